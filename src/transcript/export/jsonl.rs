//! `.jsonl`: one JSON object per line, lossless: the exact bytes in hex, RFC 3339 times with
//! nanoseconds, and a schema version `v` on every line so that a reader can refuse what it
//! does not know.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ExportError, Record};

/// The schema version written on every line.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct LineOut<'a> {
    v: u32,
    #[serde(flatten)]
    record: &'a Record,
}

#[derive(Deserialize)]
struct LineIn {
    v: u32,
    #[serde(flatten)]
    record: Record,
}

/// Writes one record as one line.
pub(crate) fn write_line(record: &Record, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &LineOut { v: SCHEMA_VERSION, record }).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Reads a `.jsonl` transcript. Blank lines are skipped; anything else that is not a record of
/// a known schema version is an error naming its line.
pub fn read_jsonl(path: &Path) -> Result<Vec<Record>, ExportError> {
    let file = File::open(path).map_err(|e| ExportError::io(path, &e))?;
    read_jsonl_from(BufReader::new(file), path)
}

/// Reads `.jsonl` records from any reader; `path` only names the source in errors.
pub fn read_jsonl_from(reader: impl BufRead, path: &Path) -> Result<Vec<Record>, ExportError> {
    let mut records = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| ExportError::io(path, &e))?;
        if line.trim().is_empty() {
            continue;
        }
        let parse = |reason: String| ExportError::Parse { path: path.to_path_buf(), line: index + 1, reason };
        let parsed: LineIn = serde_json::from_str(&line).map_err(|e| parse(e.to_string()))?;
        if parsed.v != SCHEMA_VERSION {
            return Err(parse(format!(
                "schema version {} is not supported (this app reads {SCHEMA_VERSION})",
                parsed.v
            )));
        }
        records.push(parsed.record);
    }
    Ok(records)
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
            let parsed: LineIn = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parsed.v, SCHEMA_VERSION);
            prop_assert_eq!(parsed.record, record);
        }
    }
}
