//! The app's own server keeping its in-memory transcript, against `serve --quiet`, on the same
//! stream in the same run: `socket-tester load tcp -c 16 -s 65536 -m stream`. The app runs
//! headless on this thread at 60 frames a second (each frame drains the workers' events, then
//! lays out and draws a 1400×900 window), and every frame's CPU time is measured with this
//! thread's CPU clock (wall time would count the moments the load's threads hold the cores).
//!
//! Run with `cargo bench --bench app_ingest [-- --rounds N --seconds S]`; BENCHMARKS.md
//! records the numbers. Only 127.0.0.1 is used.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/headless.rs"]
mod headless;
use headless::{frame, new_app};

const BIN: &str = env!("CARGO_BIN_EXE_socket-tester");
const FRAME: Duration = Duration::from_micros(16_667);

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// This thread's CPU time so far.
fn cpu_now() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn load(port: u16, seconds: u64) -> Child {
    Command::new(BIN)
        .args(["load", "tcp", &format!("127.0.0.1:{port}"), "-c", "16", "-s", "65536", "-m", "stream"])
        .args(["-d", &seconds.to_string(), "--timeout-ms", "5000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The load's echoed bytes per second, from its JSON line.
fn rate(child: Child) -> f64 {
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rfind(|l| l.starts_with('{')).expect("load prints its JSON line");
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(json["errors"].as_u64(), Some(0), "{line}");
    assert_eq!(json["mismatches"].as_u64(), Some(0), "{line}");
    json["echo_bytes_per_s"].as_f64().unwrap()
}

fn quiet(seconds: u64) -> f64 {
    let mut serve = Command::new(BIN)
        .args(["serve", "tcp", "--bind", "127.0.0.1:0", "--quiet"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(serve.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 =
        line.split_whitespace().nth(2).and_then(|a| a.rsplit(':').next()).unwrap().parse().unwrap();
    let figure = rate(load(port, seconds));
    let _ = serve.kill();
    let _ = serve.wait();
    figure
}

/// The app's server under the load; returns the rate, the frame times (sorted) and the
/// transcript's final length.
fn app(seconds: u64) -> (f64, Vec<Duration>, usize) {
    let (ctx, mut app) = new_app();
    let port = free_port();
    {
        let server = &mut app.sessions_mut()[0];
        let spec = socket_tester::spec::SessionSpec {
            host: "127.0.0.1".into(),
            port,
            // 64 KiB reads, as BENCHMARKS.md's figures were taken (the window's server reads 16).
            chunk_bytes: Some(65_536),
            ..server.form.spec().clone()
        };
        server.form.set_spec(spec);
    }
    app.start_session(0);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !matches!(app.sessions()[0].activity, socket_tester::ui::session::Activity::Listening(_)) {
        assert!(Instant::now() < deadline, "the app's server did not start");
        frame(&ctx, &mut app);
        std::thread::sleep(FRAME);
    }
    let mut child = load(port, seconds);
    let mut frames = Vec::new();
    let limit = Instant::now() + Duration::from_secs(seconds + 30);
    let mut next = Instant::now();
    while child.try_wait().unwrap().is_none() && Instant::now() < limit {
        let started = cpu_now();
        frame(&ctx, &mut app);
        frames.push(cpu_now().saturating_sub(started));
        next += FRAME;
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    let figure = rate(child);
    if std::env::var_os("APP_INGEST_DEBUG").is_some() {
        let mut worst: Vec<(usize, Duration)> = frames.iter().copied().enumerate().collect();
        worst.sort_by_key(|w| std::cmp::Reverse(w.1));
        eprintln!("slowest frames (index, CPU): {:?}", &worst[..5.min(worst.len())]);
    }
    frames.sort();
    let len = app.sessions()[0].transcript.len();
    app.stop_all();
    (figure, frames, len)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return; // `cargo test` builds benches; this one runs only under `cargo bench`.
    }
    let (rounds, seconds) = (arg("--rounds", 3), arg("--seconds", 3));
    let mut rows = Vec::new();
    for round in 0..rounds {
        // ABBA: the order alternates between rounds.
        let (q, a) = if round % 2 == 0 {
            let q = quiet(seconds);
            (q, app(seconds))
        } else {
            let a = app(seconds);
            (quiet(seconds), a)
        };
        let (rate, frames, len) = a;
        let pick = |p: f64| frames[((frames.len() - 1) as f64 * p) as usize];
        println!(
            "round {}: quiet {:.0} MB/s, app {:.0} MB/s ({:.2}×), {} frames: p50 {:?} p99 {:?} max {:?}; {} rows kept",
            round + 1,
            q / 1e6,
            rate / 1e6,
            rate / q,
            frames.len(),
            pick(0.5),
            pick(0.99),
            frames.last().copied().unwrap_or_default(),
            len
        );
        rows.push((q, rate, pick(0.5), pick(0.99), frames.last().copied().unwrap_or_default()));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratio = median(rows.iter().map(|r| r.1 / r.0).collect());
    let q = median(rows.iter().map(|r| r.0).collect());
    let a = median(rows.iter().map(|r| r.1).collect());
    let p50 = median(rows.iter().map(|r| r.2.as_secs_f64() * 1e3).collect());
    let p99 = median(rows.iter().map(|r| r.3.as_secs_f64() * 1e3).collect());
    let max = median(rows.iter().map(|r| r.4.as_secs_f64() * 1e3).collect());
    println!(
        "| serve --quiet | the app's server, transcript kept | ratio (median of rounds) | frame p50 | frame p99 | frame max |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| {:.0} MB/s | {:.0} MB/s | {ratio:.2}× | {p50:.2} ms | {p99:.2} ms | {max:.2} ms |",
        q / 1e6,
        a / 1e6
    );
}
