//! The command line's arguments (clap): the top level, the window's flags, and what several
//! commands share (a message's form, files, socket options). Each command's own arguments are in
//! its file.

use clap::{Args, Parser, Subcommand, ValueEnum};

use std::path::PathBuf;

use crate::engine::Protocol;
use crate::i18n::Language;
use crate::spec::{LineEnding, SessionSpec, SocketOptions, TextEncoding};
use crate::transcript::line::LineFormatter;

use super::load::LoadArgs;
use super::send::SendArgs;
use super::serve::{RelayArgs, ServeArgs};
use super::tls::SendTlsArgs;

/// Socket Tester: test TCP and UDP sockets with echo clients and servers.
///
/// With no command it opens the desktop app; `serve`, `send`, `load` and `preset` work
/// without a display.
#[derive(Debug, Parser)]
#[command(name = "socket-tester", version, about, long_about = None)]
pub struct Cli {
    /// What to do; with none, the desktop app.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Startup flags for the desktop app.
    #[command(flatten)]
    pub gui: GuiArgs,
    /// Language of the app and of the lines printed: en or es. Default: the app's saved
    /// choice, else the system's; English for the command line.
    #[arg(long, value_name = "en|es", global = true)]
    pub lang: Option<LangArg>,
}

/// Flags that prefill the desktop app's first sessions, for demos and scripts.
#[derive(Debug, Args, Default, PartialEq, Eq)]
pub struct GuiArgs {
    /// App: protocol of the first server and client.
    #[arg(long, value_name = "tcp|udp")]
    pub protocol: Option<ProtocolArg>,
    /// App: host of the first server and client.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// App: port of the first server and client.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// App: the client's message.
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// App: start the server (every server of a workspace) at launch.
    #[arg(long)]
    pub start_server: bool,
    /// App: open a workspace file (every session's settings and the layout) at launch.
    #[arg(long, value_name = "FILE")]
    pub workspace: Option<PathBuf>,
    /// App: the theme (default: the saved choice, else the system's).
    #[arg(long, value_name = "system|light|dark")]
    pub theme: Option<ThemeArg>,
    /// App: transcripts (.jsonl) to open at launch.
    #[arg(value_name = "FILE.jsonl")]
    pub open: Vec<PathBuf>,
}

/// A theme, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    /// Follow the system.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// A language, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl From<LangArg> for Language {
    fn from(lang: LangArg) -> Language {
        match lang {
            LangArg::En => Language::English,
            LangArg::Es => Language::Spanish,
        }
    }
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run an echo server until Ctrl-C, printing one line per event.
    Serve(ServeArgs),
    /// Send messages to an echo server and check every echo.
    Send(SendArgs),
    /// Sit between clients and a server: forward both ways, record both legs, inject faults.
    Relay(RelayArgs),
    /// Load an echo server with many connections, verify every echoed byte, and measure it.
    Load(LoadArgs),
    /// Keep a session's settings under a name, shared with the app.
    #[command(subcommand)]
    Preset(PresetCommand),
    /// Run a steps file (send, expect, wait, close, reconnect, repeat) and report pass or fail.
    Run(RunArgs),
    /// Round-trip times, jitter, losses and traffic of a saved transcript (.jsonl).
    Stats(StatsArgs),
    /// Print the program that does what a session does (the tutorial's style, its flaws fixed).
    #[command(subcommand)]
    Code(CodeCommand),
}

/// `code` languages.
#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Python 3 with its standard library alone; comments in the --lang language.
    Python(CodeArgs),
}

/// A session's role, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Sends and checks the echo.
    Client,
    /// Listens and echoes.
    Server,
}

/// `code python` options.
#[derive(Debug, Args)]
pub struct CodeArgs {
    /// client or server (default: client, or the preset's).
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// tcp or udp (default: tcp, or the preset's).
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
    /// The server's host (default: localhost).
    #[arg(long)]
    pub host: Option<String>,
    /// The server's port (default: 10000).
    #[arg(long)]
    pub port: Option<u16>,
    /// The client's message (default: the tutorial's, in the --lang language).
    #[arg(long)]
    pub message: Option<String>,
    /// Bytes per read (TCP) or the receive buffer (UDP), as for serve and send; the seed's
    /// tutorial used 16 and 4096.
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// Start from a preset (a name, or a path to a .toml file); the flags above override it.
    #[arg(long, value_name = "NAME_OR_PATH")]
    pub preset: Option<String>,
    /// Write the program to this file instead of printing it.
    #[arg(long, short = 'o', value_name = "FILE.py")]
    pub output: Option<PathBuf>,
}

/// `stats` options.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// A transcript saved or recorded as .jsonl.
    #[arg(value_name = "FILE.jsonl")]
    pub file: PathBuf,
    /// Print one JSON line (count, min_us, mean_us, p50_us, p90_us, p99_us, max_us, jitter_us,
    /// lost, bytes_in, bytes_out, ...) instead of sentences.
    #[arg(long)]
    pub json: bool,
}

/// `run` options.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The steps: a preset with [[step]] tables, or the short form with a [target] table.
    #[arg(value_name = "FILE.toml")]
    pub file: PathBuf,
    /// Write a JUnit XML report (one test case per step).
    #[arg(long, value_name = "FILE.xml")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report.
    #[arg(long, value_name = "FILE.json")]
    pub json: Option<PathBuf>,
    /// Go on after a failed step (otherwise the rest are skipped).
    #[arg(long)]
    pub continue_on_failure: bool,
    /// TLS: how to trust the server, SNI and ALPN (a [tls] table in the file does the same).
    #[command(flatten)]
    pub tls: SendTlsArgs,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
}

/// `preset` subcommands.
#[derive(Debug, Subcommand)]
pub enum PresetCommand {
    /// List the presets.
    List,
    /// Print a preset's TOML.
    Show {
        /// A preset name, or a path (it holds '/' or ends in .toml).
        name: String,
    },
    /// Save what `send` or `serve` arguments mean: `preset save NAME -- send tcp HOST:PORT ...`.
    Save {
        /// The name.
        name: String,
        /// `send ...` or `serve ...`, after `--`.
        #[arg(last = true, required = true, value_name = "send|serve ARGS")]
        command: Vec<String>,
    },
    /// Delete a preset.
    Delete {
        /// The name.
        name: String,
    },
}

/// The protocol, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl From<ProtocolArg> for Protocol {
    fn from(p: ProtocolArg) -> Protocol {
        match p {
            ProtocolArg::Tcp => Protocol::Tcp,
            ProtocolArg::Udp => Protocol::Udp,
        }
    }
}

/// A line ending, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LineEndingArg {
    /// Nothing.
    None,
    /// `\n`.
    Lf,
    /// `\r`.
    Cr,
    /// `\r\n`.
    Crlf,
}

impl From<LineEndingArg> for LineEnding {
    fn from(arg: LineEndingArg) -> LineEnding {
        match arg {
            LineEndingArg::None => LineEnding::None,
            LineEndingArg::Lf => LineEnding::Lf,
            LineEndingArg::Cr => LineEnding::Cr,
            LineEndingArg::Crlf => LineEnding::Crlf,
        }
    }
}

/// A text encoding, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// ISO-8859-1.
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
    /// UTF-16, little-endian, no byte-order mark.
    #[value(name = "utf-16le")]
    Utf16le,
    /// UTF-16, big-endian, no byte-order mark.
    #[value(name = "utf-16be")]
    Utf16be,
}

impl From<EncodingArg> for TextEncoding {
    fn from(arg: EncodingArg) -> TextEncoding {
        match arg {
            EncodingArg::Utf8 => TextEncoding::Utf8,
            EncodingArg::Latin1 => TextEncoding::Latin1,
            EncodingArg::Utf16le => TextEncoding::Utf16Le,
            EncodingArg::Utf16be => TextEncoding::Utf16Be,
        }
    }
}

/// How `serve`, `send` and `run` show payloads on their lines.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Also show every payload in hex.
    #[arg(long)]
    pub hex: bool,
    /// Show whole payloads; by default a line shows the first 256 bytes and the size.
    #[arg(long)]
    pub full: bool,
    /// Under each line, say in plain words what happened and which socket call did it (in the
    /// --lang language), for learning and teaching.
    #[arg(long)]
    pub explain: bool,
}

impl ShowArgs {
    /// The line formatter these options ask for, for a session of this spec.
    pub(super) fn formatter(&self, language: Language, spec: &SessionSpec) -> LineFormatter {
        let shown = if self.full { None } else { Some(LINE_PAYLOAD_BYTES) };
        let explainer = self
            .explain
            .then(|| crate::explain::Explainer::new(spec.protocol, spec.role, spec.chunk_bytes()));
        LineFormatter::in_language(language, spec.protocol == Protocol::Tcp, self.hex)
            .showing(shown)
            .explaining(explainer)
    }
}

/// The payload bytes a line shows unless `--full`: enough to recognise a message, and cheap
/// enough that printing every read keeps up with a fast stream.
pub const LINE_PAYLOAD_BYTES: usize = 256;

/// Where `serve` and `send` keep their transcript.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Save the transcript to FILE when done: .txt, .csv, .jsonl (lossless), .pcap, or .html (a
    /// report to hand out: a sequence diagram, the statistics, every event explained in --lang).
    /// `-` writes .jsonl lines to stdout as they come (the lines for people go to stderr).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Record every event to FILE (.jsonl, appended) as it happens, flushed every 10 ms. `-`
    /// records to stdout (the lines for people go to stderr).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Write the packets to FILE (.pcap) as they happen, alone or beside --record.
    #[arg(long, value_name = "FILE")]
    pub record_pcap: Option<PathBuf>,
}

impl FileArgs {
    /// Whether a file is `-`: stdout then holds machine-readable lines only.
    pub fn takes_stdout(&self) -> bool {
        let dash = |p: &Option<PathBuf>| p.as_deref().is_some_and(crate::transcript::export::is_stdout);
        dash(&self.save) || dash(&self.record)
    }

    /// True when a file will hold the transcript, so the payloads must be kept.
    pub fn keeps_payloads(&self) -> bool {
        self.save.is_some() || self.record.is_some() || self.record_pcap.is_some()
    }
}

/// Socket options, for `serve` and `send`.
#[derive(Debug, Args)]
pub struct OptionArgs {
    /// TCP: let Nagle's algorithm gather small writes (TCP_NODELAY off; it is on by default).
    #[arg(long)]
    pub nagle: bool,
    /// TCP keepalive: seconds of silence before the first probe, and between probes.
    #[arg(long, value_name = "IDLE_S[,INTERVAL_S]")]
    pub keepalive: Option<String>,
    /// The receive buffer (SO_RCVBUF), in bytes; the transcript says what the system granted.
    #[arg(long, value_name = "BYTES")]
    pub rcvbuf: Option<u64>,
    /// The send buffer (SO_SNDBUF), in bytes.
    #[arg(long, value_name = "BYTES")]
    pub sndbuf: Option<u64>,
    /// IP TTL or IPv6 hop limit (to a multicast group: the multicast TTL).
    #[arg(long, value_name = "N")]
    pub ttl: Option<u64>,
    /// TCP: close with a reset (SO_LINGER 0) instead of a FIN.
    #[arg(long)]
    pub linger_zero: bool,
}

impl OptionArgs {
    pub(super) fn apply(&self, options: &mut SocketOptions) -> anyhow::Result<()> {
        options.nagle |= self.nagle;
        options.linger_zero |= self.linger_zero;
        if let Some(keepalive) = &self.keepalive {
            let mut parts = keepalive.split(',').map(str::trim);
            let number = |part: Option<&str>| -> anyhow::Result<Option<u64>> {
                part.map(|p| {
                    p.parse::<u64>().map_err(|_| {
                        anyhow::anyhow!("--keepalive {keepalive}: enter seconds, IDLE or IDLE,INTERVAL")
                    })
                })
                .transpose()
            };
            options.keepalive_idle_s = number(parts.next())?;
            options.keepalive_interval_s = number(parts.next())?;
        }
        if self.rcvbuf.is_some() {
            options.recv_buffer = self.rcvbuf;
        }
        if self.sndbuf.is_some() {
            options.send_buffer = self.sndbuf;
        }
        if self.ttl.is_some() {
            options.ttl = self.ttl;
        }
        Ok(())
    }
}
