//! A running worker as its owner and its loop see it: the exact counters ([`Stats`]), the
//! [`Emitter`] a loop sends its events through (each followed by a wake-up), and the
//! [`WorkerHandle`] that takes commands and stops the thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Sender;
use jiff::Timestamp;

use super::{Command, Error, Event, EventKind, Link, SessionId, Waker, expect};

/// Exact counters of a worker, readable at any time from any thread.
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections accepted or made (TCP), or distinct exchanges (UDP client).
    pub connections: AtomicU64,
    /// Bytes received.
    pub bytes_in: AtomicU64,
    /// Bytes sent.
    pub bytes_out: AtomicU64,
    /// Datagrams received (UDP).
    pub datagrams_in: AtomicU64,
    /// Datagrams sent (UDP).
    pub datagrams_out: AtomicU64,
    /// Failures reported.
    pub errors: AtomicU64,
    /// Echoes that came back complete and identical (clients).
    pub echoes_ok: AtomicU64,
    /// Echoes that came back different, incomplete, or not at all (clients).
    pub echoes_bad: AtomicU64,
    /// Messages a client started to send (for "37 of 100").
    pub exchanges: AtomicU64,
    /// Replies that passed their expectation (other than an echo).
    pub checks_ok: AtomicU64,
    /// Replies that failed it.
    pub checks_bad: AtomicU64,
}

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// A plain copy of the counters.
    pub fn snapshot(&self) -> StatsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            connections: get(&self.connections),
            bytes_in: get(&self.bytes_in),
            bytes_out: get(&self.bytes_out),
            datagrams_in: get(&self.datagrams_in),
            datagrams_out: get(&self.datagrams_out),
            errors: get(&self.errors),
            echoes_ok: get(&self.echoes_ok),
            echoes_bad: get(&self.echoes_bad),
            exchanges: get(&self.exchanges),
            checks_ok: get(&self.checks_ok),
            checks_bad: get(&self.checks_bad),
        }
    }
}

/// A copy of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// See [`Stats::connections`].
    pub connections: u64,
    /// See [`Stats::bytes_in`].
    pub bytes_in: u64,
    /// See [`Stats::bytes_out`].
    pub bytes_out: u64,
    /// See [`Stats::datagrams_in`].
    pub datagrams_in: u64,
    /// See [`Stats::datagrams_out`].
    pub datagrams_out: u64,
    /// See [`Stats::errors`].
    pub errors: u64,
    /// See [`Stats::echoes_ok`].
    pub echoes_ok: u64,
    /// See [`Stats::echoes_bad`].
    pub echoes_bad: u64,
    /// See [`Stats::exchanges`].
    pub exchanges: u64,
    /// See [`Stats::checks_ok`].
    pub checks_ok: u64,
    /// See [`Stats::checks_bad`].
    pub checks_bad: u64,
}

impl StatsSnapshot {
    /// Messages whose reply came and was judged, well or not (echoes and other expectations).
    pub fn answered(&self) -> u64 {
        self.echoes_ok + self.echoes_bad + self.checks_ok + self.checks_bad
    }
}

/// The worker's side of the event channel: stamps, sends (blocking when the consumer is
/// behind) and wakes.
#[derive(Clone)]
pub(crate) struct Emitter {
    pub(super) session: SessionId,
    pub(super) events: Sender<Event>,
    pub(super) waker: Waker,
    pub(super) stats: Arc<Stats>,
}

impl Emitter {
    /// Sends one event. Returns false when the consumer is gone, which the worker treats as
    /// Stop.
    pub(crate) fn emit(&self, kind: EventKind) -> bool {
        if matches!(kind, EventKind::Failed { .. }) {
            Stats::add(&self.stats.errors, 1);
        }
        let event = Event { at: Timestamp::now(), session: self.session, kind };
        let delivered = self.events.send(event).is_ok();
        (self.waker)();
        delivered
    }

    pub(crate) fn failed(&self, link: Option<Link>, error: Error) -> bool {
        self.emit(EventKind::Failed { link, error })
    }

    /// Counts and says an expectation's verdict.
    pub(crate) fn checked(&self, link: Link, check: expect::ReplyCheck) -> bool {
        Stats::add(if check.passed() { &self.stats.checks_ok } else { &self.stats.checks_bad }, 1);
        self.emit(EventKind::Checked { link, check })
    }

    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }
}

/// One way into a worker's event loop: a command channel and, for loops that sleep in
/// `epoll`, the waker that interrupts the sleep.
#[derive(Clone)]
pub(crate) struct Route {
    pub(crate) commands: Sender<Command>,
    pub(crate) poll_waker: Option<Arc<mio::Waker>>,
}

impl Route {
    pub(crate) fn send(&self, command: Command) -> bool {
        let ok = self.commands.send(command).is_ok();
        if let Some(waker) = &self.poll_waker {
            // A failed wake means the loop is gone; the send above already tells that.
            let _ = waker.wake();
        }
        ok
    }
}

/// The UI's or CLI's side of a worker: send commands, read counters, wait for the end.
pub struct WorkerHandle {
    pub(super) session: SessionId,
    pub(super) route: Route,
    pub(super) stats: Arc<Stats>,
    pub(super) thread: Option<JoinHandle<()>>,
}

impl WorkerHandle {
    /// The session id stamped on this worker's events.
    pub fn session(&self) -> SessionId {
        self.session
    }

    /// Sends a command. Returns false when the worker has already ended.
    pub fn send(&self, command: Command) -> bool {
        self.route.send(command)
    }

    /// Asks the worker to close everything and end. It answers with its `Closed` event.
    pub fn stop(&self) {
        self.route.send(Command::Stop);
    }

    /// The worker's exact counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// True once the worker's thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the thread to end, at most `timeout`. Returns true when it ended.
    pub fn join_timeout(&mut self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while !self.is_finished() {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if let Some(thread) = self.thread.take() {
            // A worker that panicked already lost its events; nothing more to report here.
            let _ = thread.join();
        }
        true
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.route.send(Command::Stop);
    }
}
