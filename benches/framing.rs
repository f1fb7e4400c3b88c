//! Line framing of one long line that arrives in 64 KiB reads, as a rules server sees it: 4, 40
//! and 400 MB, with no limit, so the cost per MB shows whether each read is scanned once. The
//! peer is the framing `main` had before (each read searched the whole buffer from its start),
//! at 4 MB only: at 40 MB it took 12 s. Run with `cargo bench --bench framing`; BENCHMARKS.md
//! records the numbers. Under `cargo test` it runs once at 1 MB, as a smoke test.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use socket_tester::engine::responder::{Framing, OverLimit, Unframed};

const READ: usize = 64 * 1024;

/// Feeds `mb` megabytes of one line, then its end; returns the frame's length.
fn frame_line(mb: usize) -> usize {
    let piece = vec![b'a'; READ];
    let mut unframed = Unframed::default();
    for _ in 0..mb * 1_000_000 / READ {
        let cut = unframed.push(Framing::Line, &piece, 0, OverLimit::Reply);
        assert!(cut.frames.is_empty());
    }
    unframed.push(Framing::Line, b"\n", 0, OverLimit::Reply).frames[0].len()
}

/// The framing before: the whole buffer searched on every read.
fn frame_line_rescanning(mb: usize) -> usize {
    let piece = vec![b'a'; READ];
    let mut buf = Vec::new();
    let cut = |buf: &mut Vec<u8>| {
        let mut frames: Vec<Vec<u8>> = Vec::new();
        while let Some(at) = buf.iter().position(|b| *b == b'\n') {
            frames.push(buf.drain(..=at).collect());
        }
        frames
    };
    for _ in 0..mb * 1_000_000 / READ {
        buf.extend_from_slice(&piece);
        assert!(cut(&mut buf).is_empty());
    }
    buf.push(b'\n');
    cut(&mut buf)[0].len()
}

fn benches(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if full { &[4, 40, 400] } else { &[1] };
    let mut group = c.benchmark_group("line framing");
    group.sample_size(10).measurement_time(Duration::from_secs(if full { 20 } else { 1 }));
    for &mb in sizes {
        group.throughput(Throughput::Bytes((mb * 1_000_000) as u64));
        group.bench_with_input(BenchmarkId::new("scan once", mb), &mb, |b, &mb| b.iter(|| frame_line(mb)));
    }
    let mb = sizes[0];
    group.throughput(Throughput::Bytes((mb * 1_000_000) as u64));
    group.bench_with_input(BenchmarkId::new("rescan (before)", mb), &mb, |b, &mb| {
        b.iter(|| frame_line_rescanning(mb))
    });
    group.finish();
}

criterion_group!(framing, benches);
criterion_main!(framing);
