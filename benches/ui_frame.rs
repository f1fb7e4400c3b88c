//! The desktop app's CPU per frame (logic and drawing, not rasterising), and transcript
//! ingest. Run with `cargo bench --bench ui_frame`; BENCHMARKS.md records the numbers.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use socket_tester::engine::{EchoCheck, Event, EventKind, Link, next_session_id};
use socket_tester::stats::series::Series;
use socket_tester::transcript::messages::{Joining, Messages};
use socket_tester::transcript::store::{DEFAULT_CAP_BYTES, Transcript};
use socket_tester::ui::stats_view::{PlotTab, StatsView};

#[path = "common/headless.rs"]
mod headless;
use headless::{frame, new_app};

fn link() -> Link {
    let local: SocketAddr = "127.0.0.1:10000".parse().unwrap();
    let peer: SocketAddr = "127.0.0.1:54321".parse().unwrap();
    Link { conn: 1, local, peer }
}

/// A realistic mix: the seed's exchange, over and over.
fn synthetic(session: u64, i: u64) -> Event {
    let data = Bytes::from_static("Este es el mensaje. Se repetirá.".as_bytes());
    let kind = if i.is_multiple_of(2) {
        EventKind::Sent { link: link(), data }
    } else {
        let echo = Some(EchoCheck { rtt_us: 40 + i % 17, matches: true, bytes: data.len() });
        EventKind::Received { link: link(), data, truncated: false, echo }
    };
    Event { at: Timestamp::now(), session, kind }
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("ui");
    group.sample_size(20).measurement_time(Duration::from_secs(8));

    // One frame of a window whose client transcript holds 1,000,000 lines.
    let (ctx, mut app) = new_app();
    let source = next_session_id();
    {
        let transcript = &mut app.sessions_mut()[1].transcript;
        transcript.set_cap_bytes(usize::MAX);
        for i in 0..1_000_000 {
            transcript.push_event(&synthetic(source, i), 1);
        }
        assert_eq!(transcript.len(), 1_000_000);
    }
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    group.bench_function("frame_with_1m_lines", |b| b.iter(|| frame(&ctx, &mut app)));
    // The same with payloads wrapping (the rows' heights are kept between frames).
    app.sessions_mut()[1].view.wrap = true;
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    group.bench_function("frame_with_1m_lines_wrapped", |b| b.iter(|| frame(&ctx, &mut app)));
    app.sessions_mut()[1].view.wrap = false;
    // The same with the sequence diagram open (once it has found its rows, 2 ms a frame).
    app.sessions_mut()[1].diagram = Some(Default::default());
    for _ in 0..5_000 {
        frame(&ctx, &mut app);
        if app.sessions()[1].diagram.as_ref().is_some_and(|d| d.rows().len() == 1_000_000) {
            break;
        }
    }
    assert_eq!(app.sessions()[1].diagram.as_ref().map(|d| d.rows().len()), Some(1_000_000));
    group.bench_function("frame_with_diagram_of_1m_events", |b| b.iter(|| frame(&ctx, &mut app)));
    app.sessions_mut()[1].diagram = None;
    drop(app);

    // A keep-alive HTTP client's 1,000,000 reads of 16 bytes: a request, then a 1 KiB response
    // in 64 reads, over and over. The Reads view has a row per read; the Messages view joins
    // each response (31,250 rows), once the join has caught up (2 ms a frame).
    let (ctx, mut app) = new_app();
    {
        let transcript = &mut app.sessions_mut()[1].transcript;
        transcript.set_cap_bytes(usize::MAX);
        let request = Bytes::from_static(b"GET / HTTP/1.1\r\n\r\n");
        let read = Bytes::from_static(b"0123456789abcdef");
        let at = Timestamp::now();
        for i in 0..1_000_000u64 {
            let kind = if i.is_multiple_of(65) {
                EventKind::Sent { link: link(), data: request.clone() }
            } else {
                EventKind::Received { link: link(), data: read.clone(), truncated: false, echo: None }
            };
            transcript.push_event(&Event { at, session: source, kind }, 1);
        }
    }
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    group.bench_function("frame_with_1m_reads", |b| b.iter(|| frame(&ctx, &mut app)));
    app.sessions_mut()[1].view.joined = true;
    let joining = Instant::now();
    let mut frames = 0;
    while app.sessions()[1].view.messages.as_ref().is_none_or(|m| m.len() < 30_770) {
        frame(&ctx, &mut app);
        frames += 1;
        assert!(frames < 100_000, "the join did not finish");
    }
    eprintln!("joined 1,000,000 reads in {frames} frames, {:?}", joining.elapsed());
    group.bench_function("frame_with_1m_reads_as_messages", |b| b.iter(|| frame(&ctx, &mut app)));
    // Joining them, alone.
    let transcript = std::mem::replace(&mut app.sessions_mut()[1].transcript, Transcript::new(true, 0));
    drop(app);
    group.sample_size(10);
    group.bench_function("join_1m_reads_into_messages", |b| {
        b.iter(|| {
            let mut messages = Messages::new(Joining::default());
            assert!(messages.advance(&transcript, Duration::from_secs(60)));
            black_box(messages.len())
        })
    });
    group.sample_size(20);

    // A window whose client's statistics panel is open on 1,000,000 round trips: plotted
    // (decimated to the plot's columns), then as a histogram.
    let (ctx, mut app) = new_app();
    {
        let client = &mut app.sessions_mut()[1];
        client.transcript.set_cap_bytes(usize::MAX);
        for i in 0..2_000_000 {
            client.transcript.push_event(&synthetic(source, i), 1);
        }
        client.stats_view = Some(StatsView::default());
    }
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    let points = app.sessions()[1].transcript.live().series.points().len();
    assert_eq!(points, 1_000_000, "every echo is a point");
    group.bench_function("frame_plotting_1m_round_trips", |b| b.iter(|| frame(&ctx, &mut app)));
    app.sessions_mut()[1].stats_view = Some(StatsView { tab: PlotTab::Histogram, ..StatsView::default() });
    group.bench_function("frame_with_histogram_of_1m_round_trips", |b| b.iter(|| frame(&ctx, &mut app)));
    drop(app);

    // Decimating 1,000,000 round trips spread over an hour to 1,000 columns, alone.
    let mut series = Series::new();
    let start = Timestamp::now();
    for i in 0..1_000_000u64 {
        let at = start + jiff::SignedDuration::from_micros(i as i64 * 3_600);
        series.record_rtt(at, i + 1, 40 + (i * 7919) % 500);
    }
    group.bench_function("decimate_1m_round_trips", |b| {
        b.iter(|| black_box(series.decimate(0.0, series.span(), 1000).points.len()))
    });

    // One frame under a flood of 100,000 events per second: at 60 frames per second, each
    // frame drains about 1,667 new events, then draws.
    let (ctx, mut app) = new_app();
    let source = next_session_id();
    app.sessions_mut()[1].watch(source);
    let sender = app.event_sender();
    let mut i = 0u64;
    group.bench_function("frame_under_100k_events_per_s", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                for _ in 0..1_667 {
                    sender.send(synthetic(source, i)).unwrap();
                    i += 1;
                }
                let started = Instant::now();
                frame(&ctx, &mut app);
                total += started.elapsed();
            }
            total
        });
    });

    // Ingesting 1,000,000 events into a transcript.
    let events: Vec<Event> = (0..1_000_000).map(|i| synthetic(1, i)).collect();
    group.sample_size(10);
    group.bench_function("ingest_1m_events", |b| {
        b.iter(|| {
            let mut transcript = Transcript::new(true, DEFAULT_CAP_BYTES);
            for event in &events {
                transcript.push_event(event, 1);
            }
            black_box(transcript.len())
        });
    });
    group.finish();
}

criterion_group!(ui, benches);
criterion_main!(ui);
