//! Every event in plain words, for people learning what a socket does: one sentence per kind
//! of event, naming the socket call the seed's tutorial uses for that step (`socket`, `bind`,
//! `listen`, `accept`, `connect`, `sendall`, `recv`, `sendto`, `recvfrom`, `close`), from the
//! one event vocabulary, in English and Spanish.
//!
//! Some sentences need what came before: an echo that arrived in several reads says how many
//! and why, and a reset after a message with accents names the tutorial client's flaw. An
//! [`Explainer`] is fed the events of one transcript in order and keeps just that per
//! connection.

use std::collections::HashMap;

use crate::engine::{EchoCheck, ErrorKind, EventKind, Protocol};
use crate::spec::Role;
use crate::vocabulary::Message;

/// One row, as the explainer needs it (an event, or a transcript row without its event).
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// Bytes went out on connection `conn`.
    Sent {
        /// The connection number.
        conn: u64,
        /// The bytes.
        data: &'a [u8],
    },
    /// Bytes came in on connection `conn`.
    Received {
        /// The connection number.
        conn: u64,
        /// The bytes.
        data: &'a [u8],
        /// The echo this read completed.
        echo: Option<EchoCheck>,
    },
    /// Anything else.
    Event {
        /// The connection number (0: none).
        conn: u64,
        /// The event.
        kind: &'a EventKind,
    },
}

impl<'a> Step<'a> {
    /// The step of an event, under connection number `conn`.
    pub fn of(kind: &'a EventKind, conn: u64) -> Step<'a> {
        match kind {
            EventKind::Sent { data, .. } => Step::Sent { conn, data },
            EventKind::Received { data, echo, .. } => Step::Received { conn, data, echo: *echo },
            kind => Step::Event { conn, kind },
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Conn {
    /// Reads since the last send, and their bytes.
    pieces: u64,
    /// The last message received had fewer characters than bytes (accents, for example).
    multibyte_in: bool,
    multibyte_out: bool,
}

/// Explains the events of one session, in order.
#[derive(Debug, Clone)]
pub struct Explainer {
    protocol: Protocol,
    role: Role,
    chunk: u64,
    conns: HashMap<u64, Conn>,
}

fn multibyte(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|text| text.chars().count() < data.len())
}

impl Explainer {
    /// For a session of this protocol and role, whose reads take at most `chunk` bytes.
    pub fn new(protocol: Protocol, role: Role, chunk: u64) -> Explainer {
        Explainer { protocol, role, chunk, conns: HashMap::new() }
    }

    /// The sentence for the next step of the session.
    pub fn explain(&mut self, step: Step<'_>) -> Message {
        let udp = self.protocol == Protocol::Udp;
        let client = self.role == Role::Client;
        match step {
            Step::Sent { conn, data } => {
                let state = self.conns.entry(conn).or_default();
                state.pieces = 0;
                state.multibyte_out = multibyte(data);
                let id = match (client, udp) {
                    (true, false) => "why-sent-client-tcp",
                    (true, true) => "why-sent-client-udp",
                    (false, false) => "why-sent-server-tcp",
                    (false, true) => "why-sent-server-udp",
                };
                let mut message = Message::new(id).arg("bytes", data.len() as u64);
                if let Ok(text) = std::str::from_utf8(data)
                    && text.chars().count() < data.len()
                {
                    let chars = text.chars().count() as u64;
                    message = message.arg(
                        "extra",
                        Message::new("why-chars-bytes").arg("chars", chars).arg("bytes", data.len() as u64),
                    );
                } else {
                    message = message.arg("extra", Message::new("cli-empty"));
                }
                message
            }
            Step::Received { conn, data, echo } => {
                let chunk = self.chunk;
                let state = self.conns.entry(conn).or_default();
                state.pieces += 1;
                state.multibyte_in = multibyte(data) || state.multibyte_in;
                let bytes = data.len() as u64;
                if udp {
                    return match (client, echo) {
                        (true, Some(check)) if !check.matches => Message::new("why-echo-differs"),
                        (true, _) => Message::new("why-received-client-udp").arg("bytes", bytes),
                        (false, _) => Message::new("why-received-server-udp").arg("bytes", bytes),
                    };
                }
                match echo {
                    Some(check) if !check.matches => Message::new("why-echo-differs"),
                    Some(check) if state.pieces > 1 => Message::new("why-echo-pieces")
                        .arg("bytes", check.bytes as u64)
                        .arg("pieces", state.pieces)
                        .arg("chunk", chunk.to_string()),
                    Some(check) => Message::new("why-echo-one").arg("bytes", check.bytes as u64),
                    None if client => {
                        Message::new("why-received-piece").arg("bytes", bytes).arg("chunk", chunk.to_string())
                    }
                    None => Message::new("why-received-server-tcp")
                        .arg("bytes", bytes)
                        .arg("chunk", chunk.to_string()),
                }
            }
            Step::Event { conn, kind } => self.event(conn, kind),
        }
    }

    fn event(&mut self, conn: u64, kind: &EventKind) -> Message {
        let udp = self.protocol == Protocol::Udp;
        let peer = |link: &crate::engine::Link| link.peer.to_string();
        match kind {
            EventKind::Listening { local, .. } if udp => {
                Message::new("why-listening-udp").arg("addr", local.to_string())
            }
            EventKind::Listening { local, .. } => {
                Message::new("why-listening-tcp").arg("addr", local.to_string())
            }
            EventKind::Connected(link) if udp => Message::new("why-connected-udp").arg("peer", peer(link)),
            EventKind::Connected(link) => Message::new("why-connected-tcp").arg("peer", peer(link)),
            EventKind::Accepted(link) if udp => Message::new("why-accepted-udp").arg("peer", peer(link)),
            EventKind::Accepted(link) => {
                Message::new("why-accepted-tcp").arg("peer", peer(link)).arg("conn", conn)
            }
            EventKind::PeerClosed(link) => Message::new("why-peer-closed").arg("peer", peer(link)),
            EventKind::ConnectionClosed { bytes_in, bytes_out, .. } => {
                self.conns.remove(&conn);
                Message::new(if udp { "why-udp-done" } else { "why-conn-closed" })
                    .arg("bytes_in", *bytes_in)
                    .arg("bytes_out", *bytes_out)
            }
            EventKind::Lost { timeout_ms, .. } => Message::new("why-lost").arg("ms", *timeout_ms),
            EventKind::Secured { tls, .. } => Message::new(match tls.verify {
                Some(crate::engine::tls::Verify::Insecure) => "why-secured-insecure",
                None => "why-secured-server",
                Some(_) => "why-secured",
            })
            .arg("version", tls.version.as_str()),
            EventKind::Failed { error, .. } => match error.kind {
                ErrorKind::Reset => {
                    let state = self.conns.get(&conn).copied().unwrap_or_default();
                    let flaw = if self.role == Role::Server && (state.multibyte_in || state.multibyte_out) {
                        Message::new("why-reset-tutorial")
                    } else {
                        Message::new("cli-empty")
                    };
                    Message::new(if self.role == Role::Server {
                        "why-reset-server"
                    } else {
                        "why-reset-client"
                    })
                    .arg("flaw", flaw)
                }
                ErrorKind::Refused => Message::new("why-refused"),
                ErrorKind::TimedOut => Message::new("why-timed-out"),
                _ => Message::new("why-failed"),
            },
            EventKind::Checked { check, .. } => {
                Message::new(if check.passed() { "why-checked-passed" } else { "why-checked-failed" })
            }
            EventKind::Step { .. } | EventKind::StepsEnded(_) => Message::new("why-step"),
            EventKind::Notice(_) => Message::new("why-notice"),
            EventKind::Closed { .. } => Message::new("why-closed"),
            EventKind::Sent { .. } | EventKind::Received { .. } => Message::new("why-notice"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::engine::{Error, Link, Op};
    use crate::i18n::{Language, Tr};

    fn link() -> Link {
        let addr: SocketAddr = "127.0.0.1:10000".parse().unwrap_or_else(|_| unreachable!());
        Link { conn: 1, local: addr, peer: addr }
    }

    #[test]
    fn an_echo_in_three_reads_says_why() {
        let mut ex = Explainer::new(Protocol::Tcp, Role::Client, 16);
        let message = "Este es el mensaje. Se repetirá.".as_bytes();
        let en = Tr::new(Language::English);
        let sent = en.render(&ex.explain(Step::Sent { conn: 1, data: message }));
        assert!(sent.contains("sendall") && sent.contains("32 characters are 33 bytes"), "{sent}");
        ex.explain(Step::Received { conn: 1, data: &message[..16], echo: None });
        ex.explain(Step::Received { conn: 1, data: &message[16..32], echo: None });
        let echo = Some(EchoCheck { rtt_us: 50, matches: true, bytes: 33 });
        let last = en.render(&ex.explain(Step::Received { conn: 1, data: &message[32..], echo }));
        assert!(last.contains("3 pieces") && last.contains("recv(16)"), "{last}");
    }

    #[test]
    fn a_reset_after_accents_names_the_tutorials_flaw() {
        let mut ex = Explainer::new(Protocol::Tcp, Role::Server, 16);
        ex.explain(Step::Received { conn: 1, data: "repetirá.".as_bytes(), echo: None });
        let error =
            Error::new(ErrorKind::Reset, Op::Receive, "127.0.0.1:5", crate::engine::error::Reason::Plain);
        let kind = EventKind::Failed { link: Some(link()), error };
        for language in [Language::English, Language::Spanish] {
            let text = Tr::new(language).render(&ex.explain(Step::Event { conn: 1, kind: &kind }));
            assert!(text.contains("RST") && text.contains("tutorial"), "{text}");
        }
    }
}
