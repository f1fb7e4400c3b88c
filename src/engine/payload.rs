//! What a client sends: bytes already in memory, or a file read as it goes out, and the
//! [`Outbox`] of messages still to send (those asked for by command, then the plan's repeats).

use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use bytes::Bytes;

use jiff::Timestamp;

use super::error::{Error, ErrorKind, Op, Reason};
use super::template::{Captures, Expansion, Template, random_bytes};

/// The bytes of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Bytes in memory (text already encoded, hex already parsed).
    Bytes(Bytes),
    /// A file's bytes, read in pieces as they go out, so that any size fits in bounded memory.
    File(PathBuf),
    /// Bytes with macros, expanded at each send.
    Template(Template),
}

impl Payload {
    /// A payload of these bytes.
    pub fn bytes(data: impl Into<Bytes>) -> Payload {
        Payload::Bytes(data.into())
    }

    /// Opens the payload for its `counter`th send: its length and a reader of its pieces.
    pub(crate) fn open(&self, counter: u64, captures: &Captures) -> Result<Pieces, Error> {
        let memory = |data: Bytes| Pieces { len: data.len() as u64, source: Source::Memory(Some(data)) };
        match self {
            Payload::Bytes(data) => Ok(memory(data.clone())),
            Payload::Template(template) => {
                let mut random = random_bytes;
                let mut expansion =
                    Expansion { counter, now: Timestamp::now(), captures, random: &mut random };
                Ok(memory(Bytes::from(template.expand(&mut expansion))))
            }
            Payload::File(path) => {
                let fail = |err: &std::io::Error| Error::io(Op::ReadFile, path.display(), err);
                let file = File::open(path).map_err(|e| fail(&e))?;
                let len = file.metadata().map_err(|e| fail(&e))?.len();
                Ok(Pieces { len, source: Source::File(file, path.clone()) })
            }
        }
    }

    /// The whole payload in memory, at most `max` bytes (a UDP datagram).
    pub(crate) fn read_whole(&self, max: usize, counter: u64, captures: &Captures) -> Result<Bytes, Error> {
        let mut pieces = self.open(counter, captures)?;
        if pieces.len > max as u64 {
            let target = self.target();
            let reason = Reason::TooLargeForDatagram { bytes: pieces.len, max: max as u64 };
            return Err(Error::new(ErrorKind::InvalidInput, Op::ReadFile, target, reason));
        }
        let mut whole = Vec::with_capacity(pieces.len as usize);
        while let Some(piece) = pieces.next_piece()? {
            whole.extend_from_slice(&piece);
        }
        Ok(Bytes::from(whole))
    }
}

impl Payload {
    /// What an error about this payload names: the file, or "message".
    pub(crate) fn target(&self) -> String {
        match self {
            Payload::File(path) => path.display().to_string(),
            Payload::Bytes(_) | Payload::Template(_) => String::from("message"),
        }
    }
}

/// The size of one piece read from a file.
const FILE_PIECE: usize = 64 * 1024;

enum Source {
    Memory(Option<Bytes>),
    File(File, PathBuf),
}

/// A payload being sent, piece by piece.
pub(crate) struct Pieces {
    /// Its whole length.
    pub(crate) len: u64,
    source: Source,
}

impl Pieces {
    /// The next piece, or `None` at the end.
    pub(crate) fn next_piece(&mut self) -> Result<Option<Bytes>, Error> {
        match &mut self.source {
            Source::Memory(data) => Ok(data.take().filter(|d| !d.is_empty())),
            Source::File(file, path) => {
                let mut buf = vec![0; FILE_PIECE];
                loop {
                    match file.read(&mut buf) {
                        Ok(0) => return Ok(None),
                        Ok(n) => {
                            buf.truncate(n);
                            return Ok(Some(Bytes::from(buf)));
                        }
                        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(err) => return Err(Error::io(Op::ReadFile, path.display(), &err)),
                    }
                }
            }
        }
    }
}

/// Messages still to send, in order, each with the repeats it has left (`None`: until
/// stopped): the plan's message first, then those asked for by command.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outbox {
    items: VecDeque<(Payload, Option<u64>)>,
}

impl Outbox {
    /// The plan: `payload` sent `count` times (`None`: until stopped); no payload sends nothing.
    pub(crate) fn new(payload: Option<Payload>, count: Option<u64>) -> Outbox {
        let mut outbox = Outbox::default();
        if let Some(payload) = payload {
            outbox.push(payload, count);
        }
        outbox
    }

    /// Whether nothing is left to send.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.iter().all(|(_, left)| *left == Some(0))
    }

    /// Adds a message to send `count` times, after everything already queued.
    pub(crate) fn push(&mut self, payload: Payload, count: Option<u64>) {
        self.items.push_back((payload, count));
    }

    /// The next message to send.
    pub(crate) fn pop(&mut self) -> Option<Payload> {
        loop {
            let (payload, left) = self.items.front_mut()?;
            match left {
                Some(0) => {
                    self.items.pop_front();
                }
                Some(n) => {
                    *n -= 1;
                    return Some(payload.clone());
                }
                None => return Some(payload.clone()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_goes_first_then_commands_each_for_its_count() {
        let mut outbox = Outbox::new(Some(Payload::bytes("a")), Some(2));
        outbox.push(Payload::bytes("b"), Some(1));
        outbox.push(Payload::bytes("c"), Some(0));
        let sent: Vec<Payload> = std::iter::from_fn(|| outbox.pop()).collect();
        assert_eq!(sent, [Payload::bytes("a"), Payload::bytes("a"), Payload::bytes("b")]);
        assert!(outbox.is_empty());
    }

    #[test]
    fn until_stopped_never_runs_dry() {
        let mut outbox = Outbox::new(Some(Payload::bytes("a")), None);
        for _ in 0..1000 {
            assert_eq!(outbox.pop(), Some(Payload::bytes("a")));
        }
        assert!(!outbox.is_empty());
        assert!(Outbox::new(None, None).is_empty());
    }

    #[test]
    fn a_file_is_read_in_pieces_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut pieces = Payload::File(path.clone()).open(1, &Captures::default()).unwrap();
        assert_eq!(pieces.len, 200_000);
        let mut back = Vec::new();
        let mut count = 0;
        while let Some(piece) = pieces.next_piece().unwrap() {
            assert!(piece.len() <= FILE_PIECE);
            back.extend_from_slice(&piece);
            count += 1;
        }
        assert_eq!(back, data);
        assert!(count >= 4);
        let too_big = Payload::File(path).read_whole(65_507, 1, &Captures::default()).unwrap_err();
        assert_eq!(too_big.reason, Reason::TooLargeForDatagram { bytes: 200_000, max: 65_507 });
    }
}
