//! The engine: TCP and UDP echo clients and servers, each on its own named thread.
//!
//! A worker is started with [`spawn`], takes [`Command`]s through its [`WorkerHandle`], and
//! sends [`Event`]s to the channel it was given, calling the [`Waker`] after each one so that
//! a UI can repaint. The engine never sees the UI: the GUI's waker requests a repaint, the CLI
//! and the tests pass a no-op. Every worker ends with exactly one `Closed` event.
//!
//! The event channel should be bounded: when the consumer falls behind, a worker blocks on
//! the send and so stops reading from its sockets. That is the backpressure: no event is
//! dropped and memory stays bounded.

pub mod command;
mod config;
pub mod endpoint;
pub mod error;
pub mod event;
pub mod expect;
pub mod group;
mod listen;
pub mod load;
pub mod payload;
mod pktinfo;
pub mod relay;
pub mod responder;
pub mod script;
pub mod sockopt;
mod tcp_client;
mod tcp_server;
pub mod template;
pub mod tls;
mod udp_client;
mod udp_server;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

pub use command::Command;
pub use config::*;
pub use endpoint::{DEFAULT_HOST, DEFAULT_PORT, Endpoint};
pub use error::{Error, ErrorKind, Op, Reason};
pub use event::{CloseReason, EchoCheck, Event, EventKind, Link, Notice};
pub use payload::Payload;
pub(crate) use worker::{Emitter, Route};
pub use worker::{Stats, StatsSnapshot, WorkerHandle};

/// The token of every loop's command waker.
pub(crate) const WAKE: mio::Token = mio::Token(0);

/// Identifies a session (one worker) within the process.
pub type SessionId = u64;
/// Identifies a connection within a session, counting from 1.
pub type ConnId = u64;
/// Called after every event, from the worker's thread, to wake the consumer.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// A fresh session id, unique in this process.
pub fn next_session_id() -> SessionId {
    NEXT_SESSION.fetch_add(1, Ordering::Relaxed)
}

/// Starts a worker on its own named thread. Nothing here blocks: resolving, binding and
/// connecting all happen in the worker, which reports failures as events.
pub fn spawn(spec: WorkerSpec, events: Sender<Event>, waker: Waker) -> WorkerHandle {
    let session = next_session_id();
    let stats = Arc::new(Stats::default());
    let emitter = Emitter { session, events, waker, stats: Arc::clone(&stats) };
    let (tx, rx) = crossbeam_channel::unbounded();
    // The poll and its waker are made here so that commands can wake the worker's loop from
    // the first moment; creating an epoll instance does not block.
    let poll = mio::Poll::new().and_then(|poll| {
        let waker = mio::Waker::new(poll.registry(), WAKE)?;
        Ok((poll, Arc::new(waker)))
    });
    let (name, target) = match &spec {
        WorkerSpec::Client(c) => (format!("{}-client {}", c.protocol, c.target), c.target.clone()),
        WorkerSpec::Server(c) => (format!("{}-server {}", c.protocol, c.bind), c.bind.clone()),
        WorkerSpec::Script(c) => (format!("{}-steps {}", c.protocol, c.target), c.target.clone()),
        WorkerSpec::Relay(c) => (format!("{}-relay {}", c.protocol, c.listen), c.listen.clone()),
    };
    let name = name.to_lowercase();
    let (poll_waker, thread) = match poll {
        Ok((poll, waker)) => {
            let thread = spawn_thread(&name, emitter, move |em| match spec {
                WorkerSpec::Client(c) if c.protocol == Protocol::Tcp => tcp_client::run(c, poll, rx, em),
                WorkerSpec::Client(c) => udp_client::run(c, poll, rx, em),
                WorkerSpec::Server(c) if c.protocol == Protocol::Tcp => tcp_server::run(c, poll, rx, em),
                WorkerSpec::Server(c) => udp_server::run(c, poll, rx, em),
                WorkerSpec::Script(c) => script::run(c, poll, rx, em),
                WorkerSpec::Relay(c) => relay::run(c, poll, rx, em),
            });
            (Some(waker), thread)
        }
        Err(err) => {
            emitter.failed(None, Error::io(Op::Spawn, &target, &err));
            emitter.emit(EventKind::Closed { reason: CloseReason::Failed });
            (None, None)
        }
    };
    WorkerHandle { session, route: Route { commands: tx, poll_waker }, stats, thread }
}

fn spawn_thread(
    name: &str,
    emitter: Emitter,
    body: impl FnOnce(&Emitter) -> CloseReason + Send + 'static,
) -> Option<JoinHandle<()>> {
    let fallback = emitter.clone();
    let target = name.to_string();
    let spawned = std::thread::Builder::new().name(name.to_string()).spawn(move || {
        // A bug that panics stops this worker only: it is said in plain words, as a failure
        // of the worker, and everything it reported before stays with the consumer.
        let reason = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&emitter))) {
            Ok(reason) => reason,
            Err(payload) => {
                let detail = panic_text(payload.as_ref());
                emitter.failed(
                    None,
                    Error::new(ErrorKind::Other, Op::Run, &target, Reason::Panicked { detail }),
                );
                CloseReason::Failed
            }
        };
        emitter.emit(EventKind::Closed { reason });
    });
    match spawned {
        Ok(thread) => Some(thread),
        Err(err) => {
            fallback.failed(None, Error::io(Op::Spawn, name, &err));
            fallback.emit(EventKind::Closed { reason: CloseReason::Failed });
            None
        }
    }
}

/// A panic's message, whatever its payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

/// A waker that does nothing, for consumers that block on the channel (CLI, tests).
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// Receives every event of a channel until `Closed`, at most `timeout` in all. For the CLI
/// and the tests.
pub fn collect_until_closed(events: &Receiver<Event>, timeout: Duration) -> Vec<Event> {
    let deadline = std::time::Instant::now() + timeout;
    let mut out = Vec::new();
    while let Ok(event) = events.recv_deadline(deadline) {
        let done = matches!(event.kind, EventKind::Closed { .. });
        out.push(event);
        if done {
            break;
        }
    }
    out
}

/// Writes as much of `data` as a non-blocking socket takes now (a server's echo, a relay's
/// forwarding): what is left waits for the socket to drain.
pub(crate) fn write_now(stream: &mut impl std::io::Write, data: &[u8]) -> std::io::Result<usize> {
    let mut written = 0;
    while written < data.len() {
        match stream.write(&data[written..]) {
            Ok(0) => return Err(std::io::Error::from(std::io::ErrorKind::WriteZero)),
            Ok(n) => written += n,
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(written)
}

/// Whether an address is 0.0.0.0 or `::`, reachable from every interface.
pub fn is_all_interfaces(addr: &SocketAddr) -> bool {
    addr.ip().is_unspecified()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_panics_says_so_in_plain_words_and_closes() {
        let (tx, rx) = crossbeam_channel::bounded(16);
        let session = next_session_id();
        let emitter = Emitter { session, events: tx, waker: no_waker(), stats: Arc::new(Stats::default()) };
        let thread = spawn_thread("tcp-server 127.0.0.1:1", emitter, |em| {
            em.emit(EventKind::Notice(Notice::Legacy { text: "before".into() }));
            panic!("index out of bounds");
        });
        let events = collect_until_closed(&rx, Duration::from_secs(10));
        assert!(thread.is_some());
        let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
        assert!(matches!(kinds[0], EventKind::Notice(_)), "what came before is kept: {kinds:?}");
        match kinds[1] {
            EventKind::Failed { link: None, error } => {
                assert_eq!(error.op, Op::Run);
                assert_eq!(error.reason, Reason::Panicked { detail: "index out of bounds".into() });
                let words = crate::i18n::Tr::new(crate::i18n::Language::English)
                    .render(&crate::vocabulary::error(error));
                assert!(
                    words.contains("Socket Tester itself failed, a bug (index out of bounds)"),
                    "{words}"
                );
            }
            other => panic!("expected the failure, got {other:?}"),
        }
        assert!(matches!(kinds[2], EventKind::Closed { reason: CloseReason::Failed }));
    }
}
