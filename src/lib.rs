//! Socket Tester: echo clients and servers for TCP and UDP, with exact transcripts.
//!
//! The library holds the engine (sockets and worker threads, free of any UI), the transcript
//! rendering shared by every front end, and the headless command line.

pub mod cli;
pub mod codegen;
pub mod engine;
pub mod explain;
pub mod i18n;
pub mod rtt;
pub mod show;
pub mod spec;
pub mod stats;
pub mod transcript;
#[cfg(feature = "gui")]
pub mod ui;
pub mod vocabulary;
