//! What goes into a worker: imperative [`Command`]s, sent by the UI or the CLI.

use bytes::Bytes;

use super::ConnId;

/// An instruction to a running worker. Servers and clients ignore what does not apply to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send these bytes (a client: to its server; on a persistent connection, or as a new
    /// exchange).
    Send(Bytes),
    /// Close one connection of a server (`Some(id)`), or the client's connection (`None`).
    Disconnect(Option<ConnId>),
    /// Close every socket and end the worker.
    Stop,
}
