//! What goes into a worker: imperative [`Command`]s, sent by the UI or the CLI.

use super::{ConnId, Payload};

/// An instruction to a running worker. Servers and clients ignore what does not apply to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send a message `count` times (`None`: until stopped), after what is already queued (a
    /// client: on its persistent connection).
    Send {
        /// The message.
        payload: Payload,
        /// How many times.
        count: Option<u64>,
    },
    /// A server: send a message to one connected client (`Some(id)`) or to all of them (for
    /// UDP, every peer heard from).
    SendToClients {
        /// The connection, or every one.
        conn: Option<ConnId>,
        /// The message.
        payload: Payload,
    },
    /// Close one connection of a server (`Some(id)`), or the client's connection (`None`).
    Disconnect(Option<ConnId>),
    /// Close every socket and end the worker.
    Stop,
}
