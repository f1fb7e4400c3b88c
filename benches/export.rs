//! Saving a transcript of 1,000,000 events in each format. Run with
//! `cargo bench --bench export`; BENCHMARKS.md records the numbers. Under `cargo test` (no
//! `--bench` flag) it runs once on 10,000 events, as a smoke test.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use socket_tester::engine::{EchoCheck, Event, EventKind, Link, Protocol};
use socket_tester::transcript::export::{self, Record};

fn records(n: u64) -> Vec<Record> {
    let local: SocketAddr = "127.0.0.1:54321".parse().unwrap();
    let peer: SocketAddr = "127.0.0.1:10000".parse().unwrap();
    let link = Link { conn: 1, local, peer };
    let data = Bytes::from_static("Este es el mensaje. Se repetirá.".as_bytes());
    let mut out = Vec::with_capacity(n as usize + 1);
    let at = Timestamp::now();
    out.push(Record::from_event(&Event { at, session: 1, kind: EventKind::Connected(link) }, 1));
    for i in 0..n {
        let kind = if i % 2 == 0 {
            EventKind::Sent { link, data: data.clone() }
        } else {
            let echo = Some(EchoCheck { rtt_us: 40, matches: true, bytes: data.len() });
            EventKind::Received { link, data: data.clone(), truncated: false, echo }
        };
        out.push(Record::from_event(&Event { at, session: 1, kind }, 1));
    }
    out
}

fn benches(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 1_000_000 } else { 10_000 };
    let records = records(n);
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("save_1m_events");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for ext in ["jsonl", "csv", "txt", "pcap"] {
        let path = dir.path().join(format!("t.{ext}"));
        group.bench_function(ext, |b| b.iter(|| export::save(&path, &records, Protocol::Tcp).unwrap()));
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!("{ext}: {} events, {size} bytes", records.len());
    }
    group.finish();
}

/// Escaping one 64 KiB read for a transcript line: random binary, and Spanish text.
fn escape_bench(c: &mut Criterion) {
    use socket_tester::transcript::render::escape;
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let binary: Vec<u8> = (0..65_536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let text = "Este es el mensaje. Se repetirá. ".repeat(1986).into_bytes();
    let mut group = c.benchmark_group("escape_64k");
    group.throughput(criterion::Throughput::Bytes(65_536));
    group.bench_function("binary", |b| b.iter(|| escape(std::hint::black_box(&binary))));
    group.bench_function("text", |b| b.iter(|| escape(std::hint::black_box(&text[..65_536]))));
    group.finish();
}

criterion_group!(export_benches, benches, escape_bench);
criterion_main!(export_benches);
