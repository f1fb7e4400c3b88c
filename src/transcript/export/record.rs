//! [`Record`]: one event, flat and lossless, as every file format stores it.

use std::net::SocketAddr;

use bytes::Bytes;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::compact_hex;
use crate::engine::expect::ReplyCheck;
use crate::engine::script::{StepOutcome, StepsSummary};

/// A step's end, as files keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Its number or name.
    pub label: String,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: StepOutcome,
    /// How long it took, without the wait for the reply's end.
    pub elapsed_us: u64,
    /// The wait, after the reply's last byte, for its end to be sure.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub wait_us: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
use crate::engine::tls::TlsInfo;
use crate::engine::{CloseReason, EchoCheck, Error, Event, EventKind, Link, Notice, Protocol};
use crate::transcript::line::Direction;
use crate::transcript::render::escape;
use crate::transcript::store::Entry;

/// What happened, as a stable lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventName {
    /// A server bound an address.
    Listening,
    /// A client connected.
    Connected,
    /// A server accepted a connection.
    Accepted,
    /// Bytes went out.
    Sent,
    /// Bytes came in.
    Received,
    /// The peer closed its side.
    PeerClosed,
    /// A connection ended.
    ConnectionClosed,
    /// Something failed.
    Failed,
    /// A reply met (or missed) its expectation.
    Checked,
    /// A step of a run ended.
    Step,
    /// A run of steps ended.
    StepsEnded,
    /// A notice in words.
    Notice,
    /// The worker ended.
    Closed,
    /// A UDP datagram got no echo in time (the client went on).
    Lost,
    /// A TLS handshake finished.
    Secured,
}

impl EventName {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Listening => "listening",
            EventName::Connected => "connected",
            EventName::Accepted => "accepted",
            EventName::Sent => "sent",
            EventName::Received => "received",
            EventName::PeerClosed => "peer_closed",
            EventName::ConnectionClosed => "connection_closed",
            EventName::Failed => "failed",
            EventName::Checked => "checked",
            EventName::Step => "step",
            EventName::StepsEnded => "steps_ended",
            EventName::Notice => "notice",
            EventName::Closed => "closed",
            EventName::Lost => "lost",
            EventName::Secured => "secured",
        }
    }
}

/// One event in the form the files keep: every field of the event, the bytes exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// When, to the nanosecond (RFC 3339 in files).
    pub time: Timestamp,
    /// The session (worker).
    pub session: u64,
    /// The connection number (0 for none).
    pub conn: u64,
    /// What happened.
    pub event: EventName,
    /// Our address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<SocketAddr>,
    /// The other side's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<SocketAddr>,
    /// The exact bytes. In `.jsonl` they are the line's last field, `b64`, written by
    /// [`jsonl`](super::jsonl) after the others (so serde skips them when writing).
    #[serde(rename = "b64", deserialize_with = "super::b64_field::deserialize", default, skip_serializing)]
    pub data: Bytes,
    /// A datagram longer than the buffer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// The echo this read completed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_us: Option<u64>,
    /// Whether that echo matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_ok: Option<bool>,
    /// How many bytes the echo held (or, for `lost`, the datagram that had none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_bytes: Option<usize>,
    /// `lost`: how long the client waited for the echo, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Listening on every interface.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_interfaces: bool,
    /// Totals of a closed connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_in: Option<u64>,
    /// Totals of a closed connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_out: Option<u64>,
    /// A failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
    /// A notice (typed; a sentence in files of release 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "notice_compat")]
    pub notice: Option<Notice>,
    /// Why the worker ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<CloseReason>,
    /// An expectation's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<ReplyCheck>,
    /// A step's label, outcome and time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepRecord>,
    /// A run's totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<StepsSummary>,
    /// TLS: the handshake's outcome (`secured`), or a server's certificate (`listening`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsInfo>,
    /// TCP or UDP, when the writer knew it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
}

/// Reads a typed notice, or the sentence that release 0.1 wrote.
fn notice_compat<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Notice>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Typed(Notice),
        Text(String),
    }
    Ok(Option::<Either>::deserialize(d)?.map(|either| match either {
        Either::Typed(notice) => notice,
        Either::Text(text) => Notice::Legacy { text },
    }))
}

impl Record {
    fn bare(event: &Event, conn: u64, name: EventName) -> Record {
        Record {
            time: event.at,
            session: event.session,
            conn,
            event: name,
            local: None,
            peer: None,
            data: Bytes::new(),
            truncated: false,
            rtt_us: None,
            echo_ok: None,
            echo_bytes: None,
            timeout_ms: None,
            all_interfaces: false,
            bytes_in: None,
            bytes_out: None,
            error: None,
            notice: None,
            reason: None,
            check: None,
            step: None,
            steps: None,
            protocol: None,
            tls: None,
        }
    }

    /// The record of an event, under connection number `conn` (the caller's numbering; pass
    /// the link's own id to keep the engine's).
    pub fn from_event(event: &Event, conn: u64) -> Record {
        let name = match &event.kind {
            EventKind::Listening { .. } => EventName::Listening,
            EventKind::Connected(_) => EventName::Connected,
            EventKind::Accepted(_) => EventName::Accepted,
            EventKind::Sent { .. } => EventName::Sent,
            EventKind::Received { .. } => EventName::Received,
            EventKind::PeerClosed(_) => EventName::PeerClosed,
            EventKind::ConnectionClosed { .. } => EventName::ConnectionClosed,
            EventKind::Failed { .. } => EventName::Failed,
            EventKind::Checked { .. } => EventName::Checked,
            EventKind::Step { .. } => EventName::Step,
            EventKind::StepsEnded(_) => EventName::StepsEnded,
            EventKind::Notice(_) => EventName::Notice,
            EventKind::Closed { .. } => EventName::Closed,
            EventKind::Lost { .. } => EventName::Lost,
            EventKind::Secured { .. } => EventName::Secured,
        };
        let mut record = Record::bare(event, conn, name);
        if let Some(link) = event.kind.link() {
            record.local = Some(link.local);
            record.peer = Some(link.peer);
        }
        match &event.kind {
            EventKind::Listening { local, all_interfaces, tls } => {
                record.local = Some(*local);
                record.all_interfaces = *all_interfaces;
                record.tls = tls.as_deref().cloned();
            }
            EventKind::Secured { tls, .. } => record.tls = Some((**tls).clone()),
            EventKind::Sent { data, .. } => record.data = data.clone(),
            EventKind::Received { data, truncated, echo, .. } => {
                record.data = data.clone();
                record.truncated = *truncated;
                if let Some(echo) = echo {
                    record.rtt_us = Some(echo.rtt_us);
                    record.echo_ok = Some(echo.matches);
                    record.echo_bytes = Some(echo.bytes);
                }
            }
            EventKind::ConnectionClosed { bytes_in, bytes_out, .. } => {
                record.bytes_in = Some(*bytes_in);
                record.bytes_out = Some(*bytes_out);
            }
            EventKind::Failed { error, .. } => record.error = Some(error.clone()),
            EventKind::Notice(text) => record.notice = Some(text.clone()),
            EventKind::Closed { reason } => record.reason = Some(*reason),
            EventKind::Checked { check, .. } => record.check = Some(check.clone()),
            EventKind::Step { label, outcome, elapsed_us, wait_us } => {
                record.step = Some(StepRecord {
                    label: label.clone(),
                    outcome: outcome.clone(),
                    elapsed_us: *elapsed_us,
                    wait_us: *wait_us,
                })
            }
            EventKind::StepsEnded(summary) => record.steps = Some(summary.clone()),
            EventKind::Lost { bytes, timeout_ms, .. } => {
                record.echo_bytes = Some(*bytes as usize);
                record.timeout_ms = Some(*timeout_ms);
            }
            EventKind::Connected(_) | EventKind::Accepted(_) | EventKind::PeerClosed(_) => {}
        }
        record
    }

    /// The event this record describes, for reopening a saved transcript. `None` when the
    /// record lacks what its kind needs (addresses of a connection event, for example).
    pub fn to_event(&self) -> Option<Event> {
        let link = match (self.local, self.peer) {
            (Some(local), Some(peer)) => Some(Link { conn: self.conn, local, peer }),
            _ => None,
        };
        let data = || self.data.clone();
        let kind = match self.event {
            EventName::Listening => EventKind::Listening {
                local: self.local?,
                all_interfaces: self.all_interfaces,
                tls: self.tls.clone().map(Box::new),
            },
            EventName::Connected => EventKind::Connected(link?),
            EventName::Accepted => EventKind::Accepted(link?),
            EventName::Sent => EventKind::Sent { link: link?, data: data() },
            EventName::Received => {
                let echo = match (self.rtt_us, self.echo_ok) {
                    (Some(rtt_us), Some(matches)) => {
                        Some(EchoCheck { rtt_us, matches, bytes: self.echo_bytes.unwrap_or(self.data.len()) })
                    }
                    _ => None,
                };
                EventKind::Received { link: link?, data: data(), truncated: self.truncated, echo }
            }
            EventName::PeerClosed => EventKind::PeerClosed(link?),
            EventName::ConnectionClosed => EventKind::ConnectionClosed {
                link: link?,
                bytes_in: self.bytes_in.unwrap_or(0),
                bytes_out: self.bytes_out.unwrap_or(0),
            },
            EventName::Failed => EventKind::Failed { link, error: self.error.clone()? },
            EventName::Checked => EventKind::Checked { link: link?, check: self.check.clone()? },
            EventName::Step => {
                let step = self.step.clone()?;
                EventKind::Step {
                    label: step.label,
                    outcome: step.outcome,
                    elapsed_us: step.elapsed_us,
                    wait_us: step.wait_us,
                }
            }
            EventName::StepsEnded => EventKind::StepsEnded(self.steps.clone()?),
            EventName::Notice => EventKind::Notice(self.notice.clone()?),
            EventName::Closed => EventKind::Closed { reason: self.reason.unwrap_or(CloseReason::Finished) },
            EventName::Secured => EventKind::Secured { link: link?, tls: Box::new(self.tls.clone()?) },
            EventName::Lost => EventKind::Lost {
                link: link?,
                bytes: self.echo_bytes.unwrap_or(0) as u64,
                timeout_ms: self.timeout_ms.unwrap_or(0),
            },
        };
        Some(Event { at: self.time, session: self.session, kind })
    }

    /// The record of a transcript row (for saving what a view holds).
    /// `link` is the entry's connection as the transcript knows it ([`Transcript::link`](crate::transcript::store::Transcript::link)).
    pub fn from_entry(entry: &Entry, link: Option<&Link>, session: u64, protocol: Protocol) -> Record {
        let kind = match &entry.event {
            Some(kind) => (**kind).clone(),
            None => {
                let nowhere = SocketAddr::from(([0, 0, 0, 0], 0));
                let link = link.copied().unwrap_or(Link {
                    conn: entry.conn,
                    local: nowhere,
                    peer: entry.peer.unwrap_or(nowhere),
                });
                let data = entry.data.clone();
                match entry.direction {
                    Direction::Sent => EventKind::Sent { link, data },
                    _ => EventKind::Received { link, data, truncated: entry.truncated, echo: entry.echo },
                }
            }
        };
        let mut record = Record::from_event(&Event { at: entry.at, session, kind }, entry.conn);
        if entry.event.is_none() && link.is_none() {
            record.local = None;
        }
        record.protocol = Some(protocol);
        record
    }

    /// The bytes as escaped text, for people.
    pub fn text(&self) -> String {
        escape(&self.data)
    }

    /// The bytes as compact hex.
    pub fn hex(&self) -> String {
        compact_hex(&self.data)
    }
}
