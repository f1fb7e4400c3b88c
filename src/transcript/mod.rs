//! The recorded exchange and how it is shown: escaped text, hex, and transcript lines.
//!
//! Shared by the CLI and the GUI; it knows events, never sockets or widgets.

pub mod export;
pub mod line;
pub mod messages;
pub mod render;
pub mod search;
pub mod store;
