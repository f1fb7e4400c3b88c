//! `.jsonl`: one JSON object per line, lossless: the exact bytes in base64 (`b64`, the last
//! field), RFC 3339 times with nanoseconds, and a schema version `v` on every line so that a
//! reader can refuse what it does not know. Version 1 (release 0.1) kept the bytes as `hex`;
//! it is still read, as is version 2.
//!
//! Version 3 writes an echo once: a `sent` line whose bytes are exactly those of the
//! connection's last `received` line says `"same_as_received":true` instead of repeating
//! them. A server's echo no longer doubles the file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::{EventName, ExportError, Record, b64_field};

/// The schema version written on every line.
pub const SCHEMA_VERSION: u32 = 3;

/// The oldest schema version read.
const OLDEST_VERSION: u32 = 1;

#[derive(Serialize)]
struct LineOut<'a> {
    v: u32,
    #[serde(flatten)]
    record: &'a Record,
}

#[derive(Deserialize)]
struct LineIn {
    v: u32,
    /// Version 3: the bytes are the connection's last received ones.
    #[serde(default)]
    same_as_received: bool,
    /// Version 1's bytes.
    #[serde(default, deserialize_with = "super::hex_field::deserialize_bytes")]
    hex: Option<Bytes>,
    #[serde(flatten)]
    record: Record,
}

/// Appends one record as one line to `line`: the fields, then the bytes encoded straight
/// into the buffer, without a copy of them as a string.
pub(crate) fn encode_line(record: &Record, line: &mut Vec<u8>) -> io::Result<()> {
    serde_json::to_writer(&mut *line, &LineOut { v: SCHEMA_VERSION, record }).map_err(io::Error::other)?;
    if !record.data.is_empty() && line.last() == Some(&b'}') {
        line.pop();
        line.extend_from_slice(b",\"b64\":\"");
        b64_field::encode_into(&record.data, line);
        line.extend_from_slice(b"\"}");
    }
    line.push(b'\n');
    Ok(())
}

/// How many connections' last received payloads a writer remembers, to write their echoes as
/// references; past this it forgets them all and writes echoes whole (still lossless).
const REMEMBERED: usize = 256;

/// A writer's memory of each connection's last received payload, so that an echo of it is
/// written as a reference. The reader keeps the same memory ([`read_jsonl_from`]).
#[derive(Default)]
pub(crate) struct LineEncoder {
    last: HashMap<(u64, u64), Bytes>,
}

impl LineEncoder {
    /// Appends one record as one line, an echo as a reference.
    pub(crate) fn encode(&mut self, record: &Record, line: &mut Vec<u8>) -> io::Result<()> {
        let key = (record.session, record.conn);
        match record.event {
            EventName::Received if !record.data.is_empty() => {
                if self.last.len() >= REMEMBERED && !self.last.contains_key(&key) {
                    self.last.clear();
                }
                self.last.insert(key, record.data.clone());
            }
            EventName::Sent
                if !record.data.is_empty()
                    && self.last.get(&key).is_some_and(|last| same(last, &record.data)) =>
            {
                serde_json::to_writer(&mut *line, &LineOut { v: SCHEMA_VERSION, record })
                    .map_err(io::Error::other)?;
                if line.last() == Some(&b'}') {
                    line.pop();
                    line.extend_from_slice(b",\"same_as_received\":true}");
                }
                line.push(b'\n');
                return Ok(());
            }
            EventName::ConnectionClosed => {
                self.last.remove(&key);
            }
            _ => {}
        }
        encode_line(record, line)
    }

    /// Writes one record as one line.
    pub(crate) fn write(&mut self, record: &Record, out: &mut dyn Write) -> io::Result<()> {
        let mut line = Vec::with_capacity(256 + record.data.len() * 4 / 3);
        self.encode(record, &mut line)?;
        out.write_all(&line)
    }
}

/// The same bytes: the same shared buffer (a server's echo is), or equal contents.
fn same(a: &Bytes, b: &Bytes) -> bool {
    super::same_buffer(a, b) || a == b
}

/// Writes one record as one line, whole.
#[cfg(test)]
pub(crate) fn write_line(record: &Record, out: &mut dyn Write) -> io::Result<()> {
    let mut line = Vec::with_capacity(256 + record.data.len() * 4 / 3);
    encode_line(record, &mut line)?;
    out.write_all(&line)
}

/// Reads a `.jsonl` transcript. Blank lines are skipped; anything else that is not a record of
/// a known schema version is an error naming its line.
pub fn read_jsonl(path: &Path) -> Result<Vec<Record>, ExportError> {
    let file = File::open(path).map_err(|e| ExportError::reading(path, &e))?;
    read_jsonl_from(BufReader::new(file), path)
}

/// Reads `.jsonl` records from any reader; `path` only names the source in errors.
pub fn read_jsonl_from(reader: impl BufRead, path: &Path) -> Result<Vec<Record>, ExportError> {
    let mut records = Vec::new();
    // Each connection's last received payload, for the echoes written as references.
    let mut last: HashMap<(u64, u64), Bytes> = HashMap::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| ExportError::io(path, &e))?;
        if line.trim().is_empty() {
            continue;
        }
        let error = |reason| ExportError::Parse { path: path.to_path_buf(), line: index + 1, reason };
        let (mut record, same_as_received) = parse_line_with(&line).map_err(error)?;
        let key = (record.session, record.conn);
        if same_as_received {
            record.data = last
                .get(&key)
                .cloned()
                .ok_or_else(|| error("an echo of a received payload that is not in the file".into()))?;
        }
        match record.event {
            EventName::Received if !record.data.is_empty() => {
                last.insert(key, record.data.clone());
            }
            EventName::ConnectionClosed => {
                last.remove(&key);
            }
            _ => {}
        }
        records.push(record);
    }
    Ok(records)
}

/// One line of any schema version read (an echo's bytes left to the caller).
#[cfg(test)]
fn parse_line(line: &str) -> Result<Record, String> {
    parse_line_with(line).map(|(record, _)| record)
}

/// One line of any schema version read, and whether its bytes are the connection's last
/// received ones.
fn parse_line_with(line: &str) -> Result<(Record, bool), String> {
    let parsed: LineIn = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if !(OLDEST_VERSION..=SCHEMA_VERSION).contains(&parsed.v) {
        return Err(format!(
            "schema version {} is not supported (this app reads {OLDEST_VERSION} to {SCHEMA_VERSION})",
            parsed.v
        ));
    }
    let mut record = parsed.record;
    if let Some(hex) = parsed.hex {
        record.data = hex;
    }
    Ok((record, parsed.same_as_received))
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use bytes::Bytes;
    use jiff::Timestamp;
    use proptest::prelude::*;

    use super::*;
    use crate::engine::{EchoCheck, Event, EventKind, Link};

    fn addr(v6: bool, port: u16) -> SocketAddr {
        if v6 {
            SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], port))
        } else {
            SocketAddr::from(([127, 0, 0, 1], port))
        }
    }

    proptest! {
        #[test]
        fn any_payload_round_trips_exactly(
            data in proptest::collection::vec(any::<u8>(), 0..2048),
            v6 in any::<bool>(),
            ports in (1u16.., 1u16..),
            nanos in 0i64..4_000_000_000_000_000_000,
            echo in proptest::option::of((any::<u32>(), any::<bool>())),
        ) {
            let link = Link { conn: 7, local: addr(v6, ports.0), peer: addr(v6, ports.1) };
            let echo = echo.map(|(rtt, ok)| EchoCheck { rtt_us: u64::from(rtt), matches: ok, bytes: data.len() });
            let at = Timestamp::from_nanosecond(i128::from(nanos)).unwrap_or(Timestamp::UNIX_EPOCH);
            let kind = EventKind::Received { link, data: Bytes::from(data), truncated: false, echo };
            let record = Record::from_event(&Event { at, session: 3, kind }, 7);
            let mut line = Vec::new();
            write_line(&record, &mut line).unwrap_or_default();
            let text = String::from_utf8(line).unwrap_or_default();
            prop_assert!(text.starts_with(&format!("{{\"v\":{SCHEMA_VERSION},")), "{}", text);
            prop_assert_eq!(text.matches('\n').count(), 1);
            let parsed = parse_line(text.trim_end()).map_err(TestCaseError::fail)?;
            prop_assert_eq!(parsed, record);
        }
    }
    #[test]
    fn version_1_lines_with_hex_are_still_read() {
        let line = r#"{"v":1,"time":"2026-11-28T07:34:51.505999317Z","session":1,"conn":1,"event":"sent","local":"[::1]:35700","peer":"[::1]:17501","hex":"4f4bff"}"#;
        let record = parse_line(line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&record.data[..], b"OK\xff");
        let future = line.replace(r#""v":1"#, r#""v":4"#);
        assert!(parse_line(&future).is_err_and(|e| e.contains("schema version 4")));
    }

    #[test]
    fn an_echo_is_written_once_and_read_back_whole() {
        let link = Link { conn: 2, local: addr(false, 10000), peer: addr(false, 50000) };
        let data = Bytes::from_static(b"hola, eco");
        let at = Timestamp::UNIX_EPOCH;
        let events = [
            EventKind::Received { link, data: data.clone(), truncated: false, echo: None },
            EventKind::Sent { link, data: data.clone() },
            EventKind::Sent { link, data: Bytes::from_static(b"otro") },
            EventKind::ConnectionClosed { link, bytes_in: 9, bytes_out: 13 },
        ];
        let records: Vec<Record> =
            events.into_iter().map(|kind| Record::from_event(&Event { at, session: 1, kind }, 2)).collect();
        let mut encoder = LineEncoder::default();
        let mut file = Vec::new();
        for record in &records {
            encoder.write(record, &mut file).unwrap_or_default();
        }
        let text = String::from_utf8(file.clone()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].ends_with(r#""same_as_received":true}"#) && !lines[1].contains("b64"), "{text}");
        assert!(lines[2].contains("b64"), "a reply that is not the echo is written whole: {text}");
        let back = read_jsonl_from(file.as_slice(), Path::new("x.jsonl")).unwrap_or_default();
        assert_eq!(back, records);
        // A reference without its received line is an error that names the line.
        let err = read_jsonl_from(lines[1].as_bytes(), Path::new("x.jsonl")).map(|_| ()).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
