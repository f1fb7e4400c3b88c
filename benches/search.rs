//! Searching and filtering a 1,000,000-line transcript: text, regex and hex, each scanning
//! every row's bytes from scratch, and two filters. Run with `cargo bench --bench search`; BENCHMARKS.md records the numbers
//! (target: at most 100 ms). Under `cargo test` it runs once on 10,000 rows, as a smoke test.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use socket_tester::engine::{EchoCheck, Event, EventKind, Link};
use socket_tester::transcript::search::{Filtered, RowFilter, Search, SearchMode, compile, reach};
use socket_tester::transcript::store::Transcript;

fn transcript(n: u64) -> Transcript {
    let local: SocketAddr = "127.0.0.1:54321".parse().unwrap();
    let peer: SocketAddr = "127.0.0.1:10000".parse().unwrap();
    let link = Link { conn: 1, local, peer };
    let data = Bytes::from_static("Este es el mensaje. Se repetirá.".as_bytes());
    let mut t = Transcript::new(true, usize::MAX);
    let at = Timestamp::now();
    for i in 0..n {
        // One row in a thousand holds the needle.
        let data = if i % 1000 == 999 { Bytes::from_static(b"PING 12345 needle\r\n") } else { data.clone() };
        let kind = if i % 2 == 0 {
            EventKind::Sent { link, data }
        } else {
            let echo = Some(EchoCheck { rtt_us: 40, matches: true, bytes: data.len() });
            EventKind::Received { link, data, truncated: false, echo }
        };
        t.push_event(&Event { at, session: 1, kind }, 1);
    }
    t
}

/// `n` reads of 16 bytes from one stream of 64-byte lines, each line holding
/// `Content-Length` across a read boundary.
fn http_reads(n: u64) -> Transcript {
    let local: SocketAddr = "127.0.0.1:54321".parse().unwrap();
    let peer: SocketAddr = "127.0.0.1:8000".parse().unwrap();
    let link = Link { conn: 1, local, peer };
    let line = b"HTTP/1.0 200 OK\r\nServer: x\r\nContent-Length: 1048576\r\nX: 012345\r\n";
    assert_eq!(line.len(), 64);
    let stream: Vec<u8> = line.iter().copied().cycle().take(n as usize * 16).collect();
    let mut t = Transcript::new(true, usize::MAX);
    let at = Timestamp::now();
    for read in stream.chunks(16) {
        let kind =
            EventKind::Received { link, data: Bytes::copy_from_slice(read), truncated: false, echo: None };
        t.push_event(&Event { at, session: 1, kind }, 1);
    }
    t
}

fn benches(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 1_000_000 } else { 10_000 };
    let t = transcript(n);
    let mut group = c.benchmark_group("search_1m_lines");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    for (name, mode, query) in [
        ("text", SearchMode::Text, "needle"),
        ("regex", SearchMode::Regex, r"PING \d+"),
        ("hex", SearchMode::Hex, "6E 65 65 64 6C 65"),
    ] {
        let regex = compile(mode, query, false).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut search = Search::with_reach(regex.clone(), reach(mode, query));
                assert!(search.advance(&t, Duration::from_secs(60)));
                assert_eq!(search.hits().len() as u64, n / 1000);
            })
        });
    }
    // A 16 MB HTTP response read 16 bytes at a time (a million reads): every header name is
    // split across two reads, and the search finds each one.
    let reads = http_reads(n);
    group.bench_function("text_across_16_byte_reads", |b| {
        let regex = compile(SearchMode::Text, "content-length", false).unwrap();
        b.iter(|| {
            let mut search = Search::with_reach(regex.clone(), reach(SearchMode::Text, "content-length"));
            assert!(search.advance(&reads, Duration::from_secs(60)));
            assert_eq!(search.hits().len() as u64, n * 16 / 64);
        })
    });
    // Filtering: only the sent rows, then only failures (none here).
    for (name, filter) in [
        (
            "filter_sent_only",
            RowFilter { received: false, events: false, errors: false, ..RowFilter::default() },
        ),
        ("filter_only_failures", RowFilter { only_failures: true, ..RowFilter::default() }),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut filtered = Filtered::new(filter);
                assert!(filtered.advance(&t, Duration::from_secs(60)));
                std::hint::black_box(filtered.rows().len());
            })
        });
    }
    group.finish();
}

criterion_group!(search, benches);
criterion_main!(search);
