//! The headless command line: the same engine as the GUI, transcript lines on stdout, in
//! English or Spanish (`--lang`).
//!
//! Every command builds a [`SessionSpec`] (from a preset, then its own arguments) and runs it:
//! `serve` until Ctrl-C or SIGTERM, ending with a summary; `send` exits 0 only when every
//! reply met its expectation; `run` runs a steps file and writes JUnit or JSON reports; `load`
//! measures an echo server; `preset` keeps specs under names. Exit codes: 0 success, 1
//! network failure or a failed expectation, 2 bad arguments.

use std::io::{self, Write};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use crossbeam_channel::{Receiver, select};

use std::path::PathBuf;

use crate::engine::expect::{DEFAULT_IDLE_MS, Expectation, ReplyEnd};
use crate::engine::{
    self, ClientConfig, DEFAULT_PORT, DEFAULT_TIMEOUT_MS, Detail, Endpoint, Event, EventKind, Protocol,
    StatsSnapshot, WorkerSpec,
};
use crate::i18n::{Language, Tr};
use crate::spec::preset::{self, Presets};
use crate::spec::{
    LineEnding, MessageMode, Role, RuleSpec, SessionSpec, SocketOptions, TextEncoding, TlsSpec, Verify,
};
use crate::transcript::export::{Format, Record, RecordTo, Recorder, Saver};
use crate::transcript::line::LineFormatter;
use crate::vocabulary::{Arg, Message};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a network failure, or an echo that did not come back identical.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: bad arguments.
pub const EXIT_USAGE: u8 = 2;

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

#[cfg(feature = "gui")]
impl GuiArgs {
    /// The app's startup options.
    pub fn into_options(self, lang: Option<LangArg>) -> crate::ui::StartupOptions {
        crate::ui::StartupOptions {
            protocol: self.protocol.map(Protocol::from),
            host: self.host,
            port: self.port,
            message: self.message,
            start_server: self.start_server,
            language: lang.map(Language::from),
            workspace: self.workspace,
            presets_dir: None,
            theme: self.theme.map(|theme| match theme {
                ThemeArg::System => crate::ui::theme::ThemeChoice::System,
                ThemeArg::Light => crate::ui::theme::ThemeChoice::Light,
                ThemeArg::Dark => crate::ui::theme::ThemeChoice::Dark,
            }),
            open: self.open,
            first_frame_probe: false,
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
    fn formatter(&self, language: Language, spec: &SessionSpec) -> LineFormatter {
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
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Record every event to FILE (.jsonl, appended) as it happens, flushed every 10 ms.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Write the packets to FILE (.pcap) as they happen, alone or beside --record.
    #[arg(long, value_name = "FILE")]
    pub record_pcap: Option<PathBuf>,
}

impl FileArgs {
    /// True when a file will hold the transcript, so the payloads must be kept.
    pub fn keeps_payloads(&self) -> bool {
        self.save.is_some() || self.record.is_some() || self.record_pcap.is_some()
    }
}

/// `serve` options. Every setting left out comes from `--preset`, else the defaults.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// tcp or udp (optional with --preset).
    pub protocol: Option<ProtocolArg>,
    /// Start from a preset: a name, or a path (it holds '/' or ends in .toml). The other
    /// arguments override its values.
    #[arg(long, value_name = "NAME_OR_PATH")]
    pub preset: Option<String>,
    /// Address to listen on (default localhost:10000). `localhost` listens on 127.0.0.1 and
    /// ::1; port 0 picks a free port; 0.0.0.0 or [::] listen on every interface (reachable
    /// from the network).
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,
    /// Bytes per read (TCP) or the receive buffer (UDP, at most 65535). Default: 65536 for
    /// TCP, 65535 for UDP, for speed; the window's server reads 16, as the seed's tutorial's
    /// did (its client's buffer was 4096).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// TCP listen backlog (default 4096).
    #[arg(long, value_name = "N")]
    pub backlog: Option<u64>,
    /// Event-loop threads for TCP (default 0: one per core; at most an eighth of `ulimit -n`).
    #[arg(long, value_name = "N")]
    pub threads: Option<u64>,
    /// How to reply: echo (the default), silent (read and discard), close (at once), or
    /// fixed:TEXT (escapes and macros). With rules, this answers what no rule matches.
    #[arg(long, value_name = "MODE")]
    pub reply: Option<String>,
    /// A rule, REGEX=>REPLY (repeatable; the first match wins). REPLY takes escapes, $1 and
    /// ${name} from the regex, and macros.
    #[arg(long = "rule", value_name = "REGEX=>REPLY")]
    pub rules: Vec<String>,
    /// Rules from a file: a preset's TOML with a [server] table (mode, framing, [[server.rules]]).
    #[arg(long = "rules", value_name = "FILE.toml")]
    pub rules_file: Option<PathBuf>,
    /// How frames are cut for the rules: read (each read; the default), line, or bytes:N.
    #[arg(long, value_name = "read|line|bytes:N")]
    pub framing: Option<String>,
    /// Print only the bound addresses and the summary. Payloads are counted, never copied,
    /// unless --save or --record keeps them.
    #[arg(long, short)]
    pub quiet: bool,
    /// TLS: the certificate and ALPN to serve with.
    #[command(flatten)]
    pub tls: ServeTlsArgs,
    /// Socket options.
    #[command(flatten)]
    pub options: OptionArgs,
    /// UDP: join this multicast group (repeatable, or comma-separated: 239.1.2.3,ff15::1).
    /// Bind the group's port on every interface (--bind 0.0.0.0:PORT) or on the group itself.
    #[arg(long = "join", value_name = "GROUP")]
    pub join: Vec<String>,
    /// UDP: the interface to join the groups on, by name (eth0) or address.
    #[arg(long = "iface", value_name = "NAME")]
    pub iface: Option<String>,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
    /// Files to save or record the transcript to.
    #[command(flatten)]
    pub files: FileArgs,
}

/// `relay` options.
#[derive(Debug, Args)]
pub struct RelayArgs {
    /// tcp or udp.
    pub protocol: ProtocolArg,
    /// Where clients connect (default localhost:10001).
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// The server their traffic goes to.
    #[arg(long, value_name = "HOST:PORT")]
    pub to: String,
    /// Added latency, each way, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// A cap on each direction of each connection, in bytes per second.
    #[arg(long, value_name = "BYTES_PER_S")]
    pub bandwidth: Option<u64>,
    /// UDP: drop this percentage of datagrams, each way (0 to 100).
    #[arg(long, value_name = "PERCENT")]
    pub drop: Option<u64>,
    /// TCP: cut each connection after this many bytes, both ways counted.
    #[arg(long, value_name = "BYTES")]
    pub cut_after: Option<u64>,
    /// How to cut: close (FIN, the default) or reset (RST).
    #[arg(long, value_name = "close|reset", requires = "cut_after")]
    pub cut_with: Option<CutArg>,
    /// Bytes per read (default 65536).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// Print only the addresses, the faults and the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
    /// Files to save or record the transcript to (both legs).
    #[command(flatten)]
    pub files: FileArgs,
}

/// How a relay cuts a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CutArg {
    /// A FIN.
    Close,
    /// A reset.
    Reset,
}

impl RelayArgs {
    /// The relay these arguments describe: a server session that relays.
    pub fn spec(&self) -> anyhow::Result<SessionSpec> {
        let mut spec = SessionSpec::new(Role::Server, self.protocol.into());
        let listen = Endpoint::parse(self.listen.as_deref().unwrap_or("localhost:10001"), 10_001)?;
        spec.all_interfaces = listen.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        spec.host = listen.host;
        spec.port = listen.port;
        spec.chunk_bytes = self.chunk;
        spec.relay.enabled = true;
        spec.relay.to.clone_from(&self.to);
        let faults = &mut spec.relay.faults;
        faults.latency_ms = self.latency_ms.unwrap_or(0);
        faults.bandwidth = self.bandwidth.unwrap_or(0);
        if let Some(drop) = self.drop {
            faults.drop_percent = u8::try_from(drop.min(255)).unwrap_or(u8::MAX);
        }
        faults.cut_after = self.cut_after.unwrap_or(0);
        faults.cut_with_reset = self.cut_with == Some(CutArg::Reset);
        check(&spec)?;
        Ok(spec)
    }
}

/// `serve tcp --tls` options.
#[derive(Debug, Args)]
pub struct ServeTlsArgs {
    /// Serve TLS (TCP only). Without --cert, a self-signed certificate is made for the names
    /// it listens on; its SHA-256 fingerprint is on the listening line.
    #[arg(long)]
    pub tls: bool,
    /// A PEM certificate chain to serve (with --key).
    #[arg(long, value_name = "PEM", requires = "key")]
    pub cert: Option<String>,
    /// The PEM private key of --cert.
    #[arg(long, value_name = "PEM", requires = "cert")]
    pub key: Option<String>,
    /// ALPN protocols to accept, comma-separated in order of preference (h2,http/1.1).
    #[arg(long, value_name = "P[,P...]")]
    pub alpn: Option<String>,
}

/// `send tcp --tls` options.
#[derive(Debug, Args)]
pub struct SendTlsArgs {
    /// Connect with TLS (TCP only), verifying the server against the system's roots.
    #[arg(long)]
    pub tls: bool,
    /// Accept any certificate: encrypted, but the server is not checked (insecure).
    #[arg(long, conflicts_with = "pin")]
    pub insecure: bool,
    /// Accept exactly the certificate with this SHA-256 fingerprint (hex, colons allowed),
    /// whoever issued it: the way to trust a self-signed server.
    #[arg(long, value_name = "SHA256")]
    pub pin: Option<String>,
    /// The name sent as SNI and checked in the certificate (default: the host).
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,
    /// ALPN protocols to offer, comma-separated in order of preference (h2,http/1.1).
    #[arg(long, value_name = "P[,P...]")]
    pub alpn: Option<String>,
    /// Trust the certificates in this PEM file instead of the system's roots.
    #[arg(long, value_name = "PEM")]
    pub ca: Option<String>,
}

impl ServeTlsArgs {
    fn apply(&self, tls: &mut TlsSpec) {
        tls.enabled |= self.tls || self.cert.is_some();
        if let (Some(cert), Some(key)) = (&self.cert, &self.key) {
            tls.cert.clone_from(cert);
            tls.key.clone_from(key);
        }
        if let Some(alpn) = &self.alpn {
            tls.alpn.clone_from(alpn);
        }
    }
}

impl SendTlsArgs {
    fn apply(&self, tls: &mut TlsSpec) {
        tls.enabled |= self.tls || self.insecure || self.pin.is_some();
        if self.insecure {
            tls.verify = Verify::Insecure;
        }
        if let Some(pin) = &self.pin {
            tls.verify = Verify::Pin;
            tls.pin.clone_from(pin);
        }
        if let Some(sni) = &self.sni {
            tls.sni.clone_from(sni);
        }
        if let Some(alpn) = &self.alpn {
            tls.alpn.clone_from(alpn);
        }
        if let Some(ca) = &self.ca {
            tls.ca.clone_from(ca);
        }
    }
}

/// `send` options. Every setting left out comes from `--preset`, else the defaults.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// tcp or udp (optional with --preset).
    pub protocol: Option<ProtocolArg>,
    /// The server: HOST:PORT, [IPV6]:PORT, or a host (port 10000). Default: localhost:10000.
    #[arg(value_name = "HOST:PORT")]
    pub target: Option<String>,
    /// The message, as text (default: the tutorial's, "Este es el mensaje. Se repetirá.").
    #[arg(conflicts_with_all = ["message_hex", "file"])]
    pub message: Option<String>,
    /// Start from a preset: a name, or a path (it holds '/' or ends in .toml). The other
    /// arguments override its values.
    #[arg(long, value_name = "NAME_OR_PATH")]
    pub preset: Option<String>,
    /// Read escapes in MESSAGE: \n \r \t \0 \\ \xNN \u{N}, for binary payloads.
    #[arg(long, short = 'e')]
    pub escapes: bool,
    /// The message as hex bytes: "48 65 6C", "48656C" or "48:65:6C".
    #[arg(long, value_name = "HEX", conflicts_with = "file")]
    pub message_hex: Option<String>,
    /// Send this file's bytes (streamed, any size over TCP; one datagram over UDP).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Appended to each text or hex message.
    #[arg(long, value_enum, value_name = "none|lf|cr|crlf")]
    pub line_ending: Option<LineEndingArg>,
    /// How MESSAGE's characters become bytes (no byte-order mark).
    #[arg(long, value_enum, value_name = "utf-8|latin1|utf-16le|utf-16be")]
    pub encoding: Option<EncodingArg>,
    /// Bytes per read (TCP), or the receive buffer (UDP, at most 65535).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// Limit for connecting and for each echo, in milliseconds (default 5000).
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// How many times to send the message (default 1).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Pause between two messages, in milliseconds (default 0).
    #[arg(long, value_name = "MS")]
    pub interval_ms: Option<u64>,
    /// A calm pace for a live demonstration: pause this long after connecting, before sending,
    /// and after the echo, before closing (default 0).
    #[arg(long, value_name = "MS")]
    pub pace_ms: Option<u64>,
    /// Send again and again until Ctrl-C.
    #[arg(long)]
    pub until_stopped: bool,
    /// What each reply must be: echo (the default), any, none (no reply within the timeout),
    /// text:T, contains:T, regex:R, or hex:H with ?? for any byte. T takes escapes (\r\n).
    #[arg(long, value_name = "EXPECTATION")]
    pub expect: Option<String>,
    /// Where a reply ends: sent (as many bytes as were sent; the default), close, idle:MS,
    /// delim:ESCAPED (\n, \r\n) or bytes:N.
    #[arg(long, value_name = "END")]
    pub reply_end: Option<String>,
    /// Send every message on one connection (TCP) or socket (UDP), instead of one each.
    #[arg(long)]
    pub persistent: bool,
    /// TLS: how to trust the server, SNI and ALPN.
    #[command(flatten)]
    pub tls: SendTlsArgs,
    /// Socket options.
    #[command(flatten)]
    pub options: OptionArgs,
    /// TCP: shut the sending side after each message (half-close), then read the rest.
    #[arg(long)]
    pub half_close: bool,
    /// Send from this local address (an address of this machine, with or without :PORT).
    #[arg(long, value_name = "ADDR")]
    pub local: Option<String>,
    /// Send through this network interface only (SO_BINDTODEVICE; needs privileges).
    #[arg(long = "iface", value_name = "NAME")]
    pub iface: Option<String>,
    /// UDP: send to a broadcast address (sets SO_BROADCAST); replies come as from a group.
    #[arg(long)]
    pub broadcast: bool,
    /// UDP to a multicast group or broadcast address: stop after N replies, or wait the whole
    /// timeout for all of them (the default), one line per reply.
    #[arg(long, value_name = "N|all")]
    pub replies: Option<String>,
    /// UDP to a multicast group: do not hear our own datagrams (IP_MULTICAST_LOOP off).
    #[arg(long)]
    pub no_loopback: bool,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
    /// Files to save or record the transcript to.
    #[command(flatten)]
    pub files: FileArgs,
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
    fn apply(&self, options: &mut SocketOptions) -> anyhow::Result<()> {
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

/// The spec a preset holds, or the defaults for a role and protocol, checked for the role.
fn base_spec(preset: Option<&str>, protocol: Option<ProtocolArg>, role: Role) -> anyhow::Result<SessionSpec> {
    let mut spec = match preset {
        Some(name) => {
            let spec = Presets::user()?.load(name)?;
            if spec.role != role {
                let (is, use_) = match spec.role {
                    Role::Server => ("a server", "serve"),
                    Role::Client => ("a client", "send"),
                };
                anyhow::bail!(
                    "--preset {name}: it is {is}; run it with `socket-tester {use_} --preset {name}`"
                );
            }
            spec
        }
        None => match protocol {
            Some(protocol) => SessionSpec::new(role, protocol.into()),
            None => anyhow::bail!("PROTOCOL: give tcp or udp, or --preset NAME"),
        },
    };
    if let Some(protocol) = protocol {
        spec.protocol = protocol.into();
    }
    Ok(spec)
}

/// Every error of a spec, one per line, as the command line says them.
fn check(spec: &SessionSpec) -> anyhow::Result<()> {
    let errors = spec.validate();
    if errors.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::bail!("{}", lines.join("\nsocket-tester: "))
}

impl ServeArgs {
    /// The session these arguments describe: the preset's (or the defaults), then each
    /// argument given.
    pub fn spec(&self) -> anyhow::Result<SessionSpec> {
        let mut spec = base_spec(self.preset.as_deref(), self.protocol, Role::Server)?;
        if let Some(bind) = &self.bind {
            let endpoint = Endpoint::parse(bind, DEFAULT_PORT)?;
            spec.all_interfaces =
                endpoint.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified());
            spec.host = endpoint.host;
            spec.port = endpoint.port;
        }
        if self.chunk.is_some() {
            spec.chunk_bytes = self.chunk;
        }
        if let Some(backlog) = self.backlog {
            spec.backlog = backlog;
        }
        if let Some(threads) = self.threads {
            spec.threads = threads;
        }
        if let Some(path) = &self.rules_file {
            let file: SessionSpec = preset::read_file(path)?;
            spec.server = file.server;
        }
        if let Some(mode) = &self.reply {
            spec.server.mode.clone_from(mode);
        }
        for rule in &self.rules {
            spec.server.rules.push(RuleSpec::from_arrow(rule).map_err(|e| anyhow::anyhow!("--rule {e}"))?);
        }
        if let Some(framing) = &self.framing {
            spec.server.framing.clone_from(framing);
        }
        self.tls.apply(&mut spec.tls);
        self.options.apply(&mut spec.options)?;
        if !self.join.is_empty() {
            spec.group.join = self.join.join(",");
        }
        if let Some(iface) = &self.iface {
            spec.group.interface.clone_from(iface);
        }
        check(&spec)?;
        Ok(spec)
    }
}

impl SendArgs {
    /// The session these arguments describe: the preset's (or the defaults), then each
    /// argument given.
    pub fn spec(&self) -> anyhow::Result<SessionSpec> {
        let mut spec = base_spec(self.preset.as_deref(), self.protocol, Role::Client)?;
        if let Some(target) = &self.target {
            let endpoint = Endpoint::parse(target, DEFAULT_PORT)?;
            endpoint.check_client_target()?;
            spec.host = endpoint.host;
            spec.port = endpoint.port;
        }
        let message = &mut spec.message;
        if let Some(text) = &self.message {
            message.mode = MessageMode::Text;
            message.text.clone_from(text);
        }
        if self.escapes {
            message.escapes = true;
        }
        if let Some(hex) = &self.message_hex {
            message.mode = MessageMode::Hex;
            message.text.clone_from(hex);
        }
        if let Some(file) = &self.file {
            message.mode = MessageMode::File;
            message.file = Some(file.clone());
        }
        if let Some(ending) = self.line_ending {
            message.line_ending = ending.into();
        }
        if let Some(encoding) = self.encoding {
            message.encoding = encoding.into();
        }
        if self.chunk.is_some() {
            spec.chunk_bytes = self.chunk;
        }
        if let Some(timeout) = self.timeout_ms {
            spec.timeout_ms = timeout;
        }
        if let Some(count) = self.count {
            spec.plan.count = count;
            spec.plan.until_stopped = false;
        }
        if let Some(pace) = self.pace_ms {
            spec.plan.pace_ms = pace;
        }
        if let Some(interval) = self.interval_ms {
            spec.plan.interval_ms = interval;
        }
        if self.until_stopped {
            spec.plan.until_stopped = true;
        }
        if self.persistent {
            spec.plan.persistent = true;
        }
        if let Some(line) = &self.expect {
            spec.expect = Expectation::parse(line).map_err(|e| anyhow::anyhow!("--expect {line}: {e}"))?;
            // A reply other than an echo has no length to wait for: say where it ends.
            if !spec.expect.is_echo() && spec.reply_end == ReplyEnd::Sent && self.reply_end.is_none() {
                spec.reply_end = ReplyEnd::Idle(DEFAULT_IDLE_MS);
            }
        }
        if let Some(line) = &self.reply_end {
            spec.reply_end = ReplyEnd::parse(line).map_err(|e| anyhow::anyhow!("--reply-end {line}: {e}"))?;
        }
        self.tls.apply(&mut spec.tls);
        self.options.apply(&mut spec.options)?;
        spec.options.half_close |= self.half_close;
        if let Some(local) = &self.local {
            spec.options.local.clone_from(local);
        }
        if let Some(iface) = &self.iface {
            spec.options.interface.clone_from(iface);
        }
        spec.group.broadcast |= self.broadcast;
        if self.no_loopback {
            spec.group.loopback = false;
        }
        match self.replies.as_deref() {
            None => {}
            Some("all") => spec.group.replies = 0,
            Some(n) => {
                spec.group.replies = n.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    anyhow::anyhow!("--replies {n}: enter a number of replies from 1, or all")
                })?;
            }
        }
        check(&spec)?;
        Ok(spec)
    }
}

/// How a load run paces its messages, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Send one message, wait for its whole echo, send the next.
    PingPong,
    /// Keep a window of messages in flight on every connection.
    Stream,
    /// TCP: one message per connection, then a new connection (connections per second).
    Connect,
}

/// `load` options.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// tcp or udp.
    pub protocol: ProtocolArg,
    /// The echo server: HOST:PORT, [IPV6]:PORT, or a host (port 10000). Loopback only, unless
    /// --allow-remote.
    #[arg(default_value = "localhost:10000", value_name = "HOST:PORT")]
    pub target: String,
    /// Concurrent connections (TCP) or sockets (UDP).
    #[arg(long, short = 'c', default_value_t = 1, value_name = "N")]
    pub connections: usize,
    /// Bytes per message: per write in stream mode, per datagram for UDP (at least 8: each
    /// carries its sequence number).
    #[arg(long, short = 's', default_value_t = 32, value_name = "BYTES")]
    pub size: usize,
    /// Messages to send in all (connections, in connect mode); the run also stops at --duration.
    #[arg(long, short = 'n', value_name = "N")]
    pub count: Option<u64>,
    /// Stop starting messages after this many seconds. Default: 5, or 60 with --count.
    #[arg(long, short = 'd', value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// ping-pong, stream or connect.
    #[arg(long, short = 'm', value_enum, default_value_t = ModeArg::PingPong)]
    pub mode: ModeArg,
    /// Messages per second over all connections (default: as fast as the echoes come).
    #[arg(long, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// Stream mode: bytes (TCP) or datagrams (UDP) in flight per connection. Default: 4
    /// messages or 256 KiB, whichever is more (TCP); 64 datagrams (UDP).
    #[arg(long, value_name = "N")]
    pub window: Option<usize>,
    /// Client threads. Default: one per core, at most one per connection.
    #[arg(long, short = 't', value_name = "N")]
    pub threads: Option<usize>,
    /// Limit for connecting and for each echo; a UDP datagram not echoed by then is lost.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_MS, value_name = "MS")]
    pub timeout_ms: u64,
    /// Allow a target that is not a loopback address. Load another machine only if it is
    /// yours to load.
    #[arg(long)]
    pub allow_remote: bool,
}

/// Runs a headless command and returns the process exit code. The app's startup flags
/// (`gui`) do not apply to a command: given with one, they are refused.
pub fn run(command: CliCommand, gui: &GuiArgs, lang: Option<LangArg>) -> u8 {
    if *gui != GuiArgs::default() {
        eprintln!(
            "socket-tester: --protocol, --host, --port, --message, --start-server and --workspace start the \
             app; a command takes its own arguments (see socket-tester <COMMAND> --help)"
        );
        return EXIT_USAGE;
    }
    let language = lang.map_or(Language::English, Language::from);
    let result = match command {
        CliCommand::Serve(args) => {
            args.spec().and_then(|spec| serve(args.quiet, &args.show, &args.files, &spec, language))
        }
        CliCommand::Relay(args) => {
            args.spec().and_then(|spec| serve(args.quiet, &args.show, &args.files, &spec, language))
        }
        CliCommand::Send(args) => args.spec().and_then(|spec| send(&args, &spec, language)),
        CliCommand::Load(args) => load(&args),
        CliCommand::Preset(command) => preset_command(command),
        CliCommand::Run(args) => run_steps(&args, language),
        CliCommand::Stats(args) => stats_command(&args, language),
        CliCommand::Code(CodeCommand::Python(args)) => code_python(&args, language),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("socket-tester: {err}");
            EXIT_USAGE
        }
    }
}

/// `socket-tester code python`: the Python program equivalent to a session, from the same
/// [`SessionSpec`] the app and `send`/`serve` use.
fn code_python(args: &CodeArgs, language: Language) -> anyhow::Result<u8> {
    let mut spec = match &args.preset {
        Some(name) => Presets::user()?.load(name)?,
        None => {
            let role = match args.role.unwrap_or(RoleArg::Client) {
                RoleArg::Client => Role::Client,
                RoleArg::Server => Role::Server,
            };
            let mut spec = SessionSpec::new(role, args.protocol.map_or(Protocol::Tcp, Protocol::from));
            spec.message.text = language.default_message().into();
            spec
        }
    };
    if let Some(role) = args.role {
        spec.role = match role {
            RoleArg::Client => Role::Client,
            RoleArg::Server => Role::Server,
        };
    }
    if let Some(protocol) = args.protocol {
        spec.protocol = protocol.into();
    }
    if let Some(host) = &args.host {
        spec.host = crate::engine::endpoint::parse_host(host)?;
    }
    if let Some(port) = args.port {
        spec.port = port;
    }
    if let Some(message) = &args.message {
        spec.message.text = message.clone();
        spec.message.mode = MessageMode::Text;
    }
    if args.chunk.is_some() {
        spec.chunk_bytes = args.chunk;
    }
    let problems = spec.validate();
    if let Some(problem) = problems.first() {
        let tr = Tr::new(language);
        anyhow::bail!(
            "{}: {}",
            problem.field.flag(),
            tr.render(&crate::vocabulary::problem(&problem.problem))
        );
    }
    let tr = Tr::new(language);
    let code = crate::codegen::python(&spec, &tr).map_err(anyhow::Error::msg)?;
    let mut out = Out::new();
    match &args.output {
        Some(path) => {
            std::fs::write(path, &code).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            out.line(&format!("wrote {}", path.display()));
        }
        None => out.line(code.trim_end()),
    }
    Ok(out.code(EXIT_OK))
}

/// `socket-tester stats FILE.jsonl [--json]`: the same figures the app and `send` give, for a
/// saved transcript. A file that is not a transcript is refused with its line number.
fn stats_command(args: &StatsArgs, language: Language) -> anyhow::Result<u8> {
    let records = crate::transcript::export::read_jsonl(&args.file)?;
    let stats = crate::stats::of_records(&records);
    let mut out = Out::new();
    if args.json {
        out.line(&serde_json::to_string(&stats)?);
        return Ok(out.code(EXIT_OK));
    }
    let tr = Tr::new(language);
    let time = |us: Option<u64>| us.map_or_else(|| "-".to_string(), |us| tr.duration(us));
    out.line(&tr.render(&Message::new("stats-round-trips").arg("count", stats.count)));
    if stats.count > 0 {
        out.line(
            &tr.render(
                &Message::new("stats-rtt")
                    .arg("min", time(stats.min_us))
                    .arg("mean", time(stats.mean_us))
                    .arg("p50", time(stats.p50_us))
                    .arg("p90", time(stats.p90_us))
                    .arg("p99", time(stats.p99_us))
                    .arg("p999", time(stats.p999_us))
                    .arg("max", time(stats.max_us)),
            ),
        );
        out.line(&tr.render(&Message::new("stats-jitter").arg("jitter", time(stats.jitter_us))));
    }
    out.line(
        &tr.render(
            &Message::new("stats-traffic")
                .arg("bytes_out", stats.bytes_out)
                .arg("messages_out", stats.messages_out)
                .arg("bytes_in", stats.bytes_in)
                .arg("messages_in", stats.messages_in)
                .arg("seconds", Arg::Decimal(stats.seconds, 3)),
        ),
    );
    out.line(
        &tr.render(
            &Message::new("stats-verdicts")
                .arg("passed", stats.passed)
                .arg("failed", stats.failed)
                .arg("lost", stats.lost),
        ),
    );
    Ok(out.code(EXIT_OK))
}

fn run_steps(args: &RunArgs, language: Language) -> anyhow::Result<u8> {
    use crate::engine::script::StepOutcome;
    use crate::transcript::export::steps_report::{StepResult, StepsReport};
    let path = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    let mut spec = crate::spec::steps::read_steps_file(&text, &path).map_err(anyhow::Error::msg)?;
    args.tls.apply(&mut spec.tls);
    if args.continue_on_failure {
        spec.plan.continue_on_failure = true;
    }
    let script = spec.script().map_err(|errors| {
        anyhow::anyhow!(
            "{}",
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nsocket-tester: ")
        )
    })?;

    let tr = Tr::new(language);
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Script(script), tx, engine::no_waker());
    let mut out = Out::new();
    let mut lines = args.show.formatter(language, &spec);
    let mut steps = Vec::new();
    let mut summary = None;
    let mut failed_to_start = false;
    loop {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                match &event.kind {
                    EventKind::Step { label, outcome, elapsed_us } => {
                        steps.push(StepResult { label: label.clone(), outcome: outcome.clone(), elapsed_us: *elapsed_us });
                    }
                    EventKind::StepsEnded(ended) => summary = Some(ended.clone()),
                    EventKind::Failed { link: None, .. } => failed_to_start = true,
                    _ => {}
                }
                print_client_event(&mut out, &mut lines, &event);
                if matches!(event.kind, EventKind::Closed { .. }) { break; }
            }
            recv(signals) -> _ => handle.stop(),
        }
    }
    let Some(summary) = summary else {
        return Ok(EXIT_FAILURE);
    };
    out.line(&tr.render(&crate::vocabulary::steps_ended(&summary)));
    let report = StepsReport { name: path, steps, summary };
    for (target, body) in [(&args.junit, report.junit()), (&args.json, report.json())] {
        if let Some(file) = target {
            std::fs::write(file, body).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        }
    }
    // A run cut short (Ctrl-C) skipped steps without a failure: it did not pass either.
    let passed = report.summary.failed == 0
        && report.summary.skipped == 0
        && !failed_to_start
        && report.steps.iter().all(|s| matches!(s.outcome, StepOutcome::Passed));
    Ok(out.code(if passed { EXIT_OK } else { EXIT_FAILURE }))
}

fn preset_command(command: PresetCommand) -> anyhow::Result<u8> {
    let mut out = Out::new();
    match command {
        PresetCommand::List => {
            for name in Presets::user()?.list()? {
                out.line(&name);
            }
        }
        PresetCommand::Show { name } => {
            let spec = Presets::user()?.load(&name)?;
            out.line(preset::write_versioned(&spec).trim_end());
        }
        PresetCommand::Save { name, command } => {
            let argv = std::iter::once("socket-tester".to_string()).chain(command);
            let spec = match Cli::try_parse_from(argv)?.command {
                Some(CliCommand::Send(args)) => args.spec()?,
                Some(CliCommand::Serve(args)) => args.spec()?,
                _ => anyhow::bail!("after --, give `send ...` or `serve ...`"),
            };
            let path = Presets::user()?.save(&name, &spec)?;
            eprintln!("saved preset {name} to {}", path.display());
        }
        PresetCommand::Delete { name } => Presets::user()?.delete(&name)?,
    }
    Ok(out.code(EXIT_OK))
}

/// How long `serve` waits, after taking every queued event, before it looks again.
const CLI_NAP: Duration = Duration::from_millis(1);

/// Events waiting for the recorder's writer at most: when it falls behind, the command waits
/// for it (nothing is dropped), and the payloads held stay bounded.
const RECORD_QUEUE: usize = 256;

/// Where a command's events go besides stdout: `--save` writes them to a temporary file that
/// becomes the saved file at the end (so memory stays bounded however much is echoed);
/// `--record` appends them, flushed, as they happen.
struct Keeper {
    protocol: Protocol,
    saver: Option<Saver>,
    recorder: Option<Recorder>,
    failed: bool,
}

impl Keeper {
    fn new(files: &FileArgs, protocol: Protocol, language: Language) -> anyhow::Result<Keeper> {
        let (save, record, record_pcap) =
            (files.save.as_ref(), files.record.as_ref(), files.record_pcap.as_ref());
        if let Some(path) = record
            && Format::from_path(path)? != Format::Jsonl
        {
            anyhow::bail!("--record {}: recording writes .jsonl", path.display());
        }
        if let Some(path) = record_pcap
            && Format::from_path(path)? != Format::Pcap
        {
            anyhow::bail!("--record-pcap {}: must be a .pcap file", path.display());
        }
        let to = RecordTo { jsonl: record.cloned(), pcap: record_pcap.cloned() };
        let recorder = if to == RecordTo::default() {
            None
        } else {
            Some(Recorder::start(&to, protocol, RECORD_QUEUE)?)
        };
        let saver = match save {
            Some(path) => Some(Saver::create(path, protocol)?.in_language(language)),
            None => None,
        };
        Ok(Keeper { protocol, saver, recorder, failed: false })
    }

    fn take(&mut self, event: &Event) {
        let conn = event.kind.link().map_or(0, |l| l.conn);
        if let Some(saver) = &mut self.saver {
            let mut record = Record::from_event(event, conn);
            record.protocol = Some(self.protocol);
            if let Err(err) = saver.push(&record) {
                eprintln!("socket-tester: could not save: {err}");
                self.saver = None;
                self.failed = true;
            }
        }
        if let Some(recorder) = &mut self.recorder
            && let Err(err) = recorder.record(event, conn)
        {
            eprintln!("socket-tester: recording stopped: {err}");
            self.recorder = None;
            self.failed = true;
        }
    }

    /// Says at once if a recording's writer stopped (a full disk), between events.
    fn check(&mut self) {
        if let Some(err) = self.recorder.as_mut().and_then(|r| r.failure().cloned()) {
            eprintln!("socket-tester: recording stopped: {err}");
            self.recorder = None;
            self.failed = true;
        }
    }

    /// Finishes the files; false if any of them failed.
    fn finish(&mut self) -> bool {
        let mut ok = !self.failed;
        if let Some(recorder) = self.recorder.take()
            && let Err(err) = recorder.finish()
        {
            eprintln!("socket-tester: recording: {err}");
            ok = false;
        }
        if let Some(saver) = self.saver.take() {
            let (count, path) = (saver.records(), saver.path().to_path_buf());
            match saver.finish() {
                Ok(()) => eprintln!("saved {count} events to {}", path.display()),
                Err(err) => {
                    eprintln!("socket-tester: could not save: {err}");
                    ok = false;
                }
            }
        }
        ok
    }
}

impl Drop for Keeper {
    /// A command that ends some other way (a panic) still finishes its files: the recording
    /// writes what it holds and the save is put in place.
    fn drop(&mut self) {
        self.finish();
    }
}

/// Prints lines without panicking when stdout is a closed pipe (`| head`).
struct Out {
    stdout: io::Stdout,
    open: bool,
    failed: bool,
}

impl Out {
    fn new() -> Out {
        Out { stdout: io::stdout(), open: true, failed: false }
    }

    /// Prints a line. A closed pipe (`| head`) ends the output quietly, as Unix tools do; any
    /// other failure (a full disk, a closed descriptor) is said once on stderr and fails the
    /// command.
    fn line(&mut self, text: &str) {
        if !self.open {
            return;
        }
        let mut lock = self.stdout.lock();
        if let Err(err) = writeln!(lock, "{text}").and_then(|()| lock.flush()) {
            self.open = false;
            if err.kind() != io::ErrorKind::BrokenPipe {
                self.failed = true;
                eprintln!("socket-tester: cannot write to standard output: {err}");
            }
        }
    }

    /// The exit code, given the command's own: a failed write to stdout fails it.
    fn code(&self, code: u8) -> u8 {
        if self.failed && code == EXIT_OK { EXIT_FAILURE } else { code }
    }
}

fn signals() -> anyhow::Result<Receiver<i32>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // A closed terminal (SIGHUP) ends a command like Ctrl-C does: with its summary and files.
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let (tx, rx) = crossbeam_channel::bounded(4);
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            if tx.send(signal).is_err() {
                break;
            }
        }
    })?;
    Ok(rx)
}

/// Runs a server (`serve`) or a relay (`relay`) until a signal, a line per event.
fn serve(
    quiet: bool,
    show: &ShowArgs,
    files: &FileArgs,
    spec: &SessionSpec,
    language: Language,
) -> anyhow::Result<u8> {
    let protocol = spec.protocol;
    // Quiet mode copies no payload, unless a file is to keep them.
    let detail = if quiet && !files.keeps_payloads() { Detail::CountsOnly } else { Detail::Full };
    let tr = Tr::new(language);
    let mut keeper = Keeper::new(files, protocol, language)?;
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(spec.server_worker(detail), tx, engine::no_waker());
    let mut out = Out::new();
    let mut lines = show.formatter(language, spec);
    let mut failed = false;
    let mut listening = false;
    let check = crossbeam_channel::tick(Duration::from_millis(100));
    let mut closed = false;
    while !closed {
        select! {
            recv(events) -> event => {
                let Ok(first) = event else { break };
                // What came meanwhile is taken too, then the loop naps if that emptied the
                // queue: the server then seldom has to wake this thread (once per nap at
                // most, instead of once per event), which costs more than the event itself
                // for small datagrams.
                let mut taken = 0;
                let queued = events.try_iter().take(engine::CLI_CHANNEL_CAPACITY);
                for event in std::iter::once(first).chain(queued) {
                    taken += 1;
                    keeper.take(&event);
                    match &event.kind {
                        EventKind::Listening { local, all_interfaces, tls } => {
                            listening = true;
                            let words = match tls.as_ref().and_then(|tls| tls.cert.as_ref()) {
                                Some(cert) => Message::new("cli-listening-tls")
                                    .arg("addr", local.to_string())
                                    .arg("fingerprint", cert.sha256.as_str()),
                                None => Message::new("cli-listening").arg("addr", local.to_string()).arg("protocol", protocol.to_string()),
                            };
                            out.line(&tr.render(&words));
                            if *all_interfaces {
                                eprintln!("{}", tr.render(&Message::new("cli-all-interfaces").arg("addr", local.to_string())));
                            }
                            continue;
                        }
                        EventKind::Failed { link: None, .. } if !listening => failed = true,
                        _ => {}
                    }
                    closed = matches!(event.kind, EventKind::Closed { .. });
                    if !quiet || matches!(event.kind, EventKind::Failed { link: None, .. } | EventKind::Notice(_)) {
                        // Errors go to stderr, as `send` prints them; `--save` keeps them with the rest.
                        let line = lines.format(&event);
                        if failed || matches!(event.kind, EventKind::Failed { .. }) {
                            eprintln!("{line}")
                        } else {
                            out.line(&line)
                        }
                    }
                    if closed { break; }
                }
                if !closed && taken <= engine::CLI_CHANNEL_CAPACITY {
                    std::thread::sleep(CLI_NAP);
                }
            }
            recv(signals) -> _ => handle.stop(),
            // A recording that stops (a full disk) is said at once, not at the next event.
            recv(check) -> _ => keeper.check(),
        }
    }
    let stats = handle.stats();
    out.line(&tr.render(&summary(protocol, &stats, None)));
    let files_ok = keeper.finish();
    Ok(out.code(if failed || !files_ok { EXIT_FAILURE } else { EXIT_OK }))
}

/// What a client's summary adds: replies that passed out of those expected, and round-trip
/// times.
pub struct EchoSummary {
    /// Echoes, or replies other than echoes, that passed.
    pub ok: u64,
    /// How many were expected.
    pub expected: u64,
    /// The replies were judged by an expectation other than a streamed echo.
    pub checks: bool,
    /// Median and largest round-trip time, in microseconds.
    pub rtt: Option<(u64, u64)>,
    /// UDP datagrams that got no echo in time.
    pub lost: u64,
}

/// The closing summary of a server or client, as one message.
pub fn summary(protocol: Protocol, stats: &StatsSnapshot, echoes: Option<&EchoSummary>) -> Message {
    let udp = match protocol {
        Protocol::Udp => Message::new("cli-summary-udp")
            .arg("datagrams_in", stats.datagrams_in)
            .arg("datagrams_out", stats.datagrams_out),
        Protocol::Tcp => Message::new("cli-empty"),
    };
    let echoes = match echoes {
        Some(e) => {
            let rtt = match e.rtt {
                Some((median, max)) => Message::new("cli-summary-rtt")
                    .arg("median", Arg::Decimal(median as f64 / 1000.0, 3))
                    .arg("max", Arg::Decimal(max as f64 / 1000.0, 3)),
                None => Message::new("cli-empty"),
            };
            let id = if e.checks { "cli-summary-checks" } else { "cli-summary-echoes" };
            let lost = if e.lost > 0 {
                Message::new("cli-summary-lost").arg("lost", e.lost)
            } else {
                Message::new("cli-empty")
            };
            Message::new(id).arg("ok", e.ok).arg("count", e.expected).arg("rtt", rtt).arg("lost", lost)
        }
        None => Message::new("cli-empty"),
    };
    let kind = match protocol {
        Protocol::Udp => "udp",
        Protocol::Tcp => "tcp",
    };
    Message::new("cli-summary")
        .arg("kind", kind)
        .arg("connections", stats.connections)
        .arg("bytes_in", stats.bytes_in)
        .arg("bytes_out", stats.bytes_out)
        .arg("udp", udp)
        .arg("errors", stats.errors)
        .arg("echoes", echoes)
}

fn send(args: &SendArgs, spec: &SessionSpec, language: Language) -> anyhow::Result<u8> {
    let protocol = spec.protocol;
    // A persistent run ends, finished, when every message had its answer.
    let config = ClientConfig { close_when_done: true, ..spec.client_config(true) };
    let tr = Tr::new(language);
    let count = if spec.plan.until_stopped { None } else { Some(spec.plan.count) };
    let mut keeper = Keeper::new(&args.files, protocol, language)?;
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Client(config), tx, engine::no_waker());
    let mut out = Out::new();
    let mut lines = args.show.formatter(language, spec);
    let mut mismatches = 0u64;
    let mut lost = 0u64;
    let mut rtts = crate::stats::RoundTrips::new();
    // A watchdog for a worker that stops talking: far beyond any timeout or interval.
    let quiet_limit =
        spec.timeout_ms.saturating_mul(4).saturating_add(spec.plan.interval_ms.saturating_mul(2)).max(60_000);
    loop {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                keeper.take(&event);
                print_client_event(&mut out, &mut lines, &event);
                let verdict = match &event.kind {
                    EventKind::Received { echo: Some(check), .. } => Some((check.matches, check.rtt_us)),
                    EventKind::Checked { check, .. } => Some((check.passed(), check.rtt_us)),
                    _ => None,
                };
                if let Some((passed, rtt_us)) = verdict {
                    mismatches += u64::from(!passed);
                    rtts.record(rtt_us);
                }
                lost += u64::from(matches!(event.kind, EventKind::Lost { .. }));
                if matches!(event.kind, EventKind::Closed { .. }) { break; }
            }
            recv(signals) -> _ => handle.stop(),
            default(Duration::from_millis(quiet_limit)) => {
                eprintln!("socket-tester: the client stopped answering; giving up");
                handle.stop();
            }
        }
    }
    let stats = handle.stats();
    let rtt = rtts.summary().map(|s| (s.p50_us, s.max_us));
    let expected = count.unwrap_or(stats.exchanges);
    let passed = stats.echoes_ok + stats.checks_ok;
    let checks = stats.checks_ok + stats.checks_bad > 0 || !spec.expect.is_echo();
    let echo_summary = EchoSummary { ok: passed, expected, checks, rtt, lost };
    out.line(&tr.render(&summary(protocol, &stats, Some(&echo_summary))));
    let files_ok = keeper.finish();
    let ok = match count {
        Some(count) => passed == count && stats.echoes_bad + stats.checks_bad == 0,
        // Until stopped: the exchange cut short by Ctrl-C is not a failure.
        None => stats.echoes_ok > 0 && mismatches == 0 && lost == 0,
    };
    Ok(out.code(if ok && files_ok && stats.errors == 0 { EXIT_OK } else { EXIT_FAILURE }))
}

/// The median of sorted values; of an even count, the mean of the middle two.
fn print_client_event(out: &mut Out, lines: &mut LineFormatter, event: &Event) {
    let line = lines.format(event);
    if matches!(event.kind, EventKind::Failed { .. }) {
        eprintln!("{line}");
    } else {
        out.line(&line);
    }
}

/// The longest run `--duration` may ask for.
const MAX_LOAD_SECONDS: f64 = 24.0 * 3600.0;

fn load(args: &LoadArgs) -> anyhow::Result<u8> {
    use crate::engine::load::{self, LoadConfig, Mode};
    let protocol = Protocol::from(args.protocol);
    let probe = Duration::from_millis(args.timeout_ms.clamp(1, 1000));
    let target = load::target(protocol, &args.target, args.allow_remote, probe)?;
    let seconds = args.duration.unwrap_or(LoadConfig::default_seconds(args.count));
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_LOAD_SECONDS) {
        anyhow::bail!("--duration {seconds}: must be more than 0 and at most {MAX_LOAD_SECONDS} seconds");
    }
    if let Some(0) = args.threads {
        anyhow::bail!("--threads 0: must be at least 1");
    }
    if let Some(0) = args.window {
        anyhow::bail!("--window 0: must be at least 1");
    }
    let config = LoadConfig {
        protocol,
        target,
        connections: args.connections,
        size: args.size,
        count: args.count,
        duration: Duration::from_secs_f64(seconds),
        mode: match args.mode {
            ModeArg::PingPong => Mode::PingPong,
            ModeArg::Stream => Mode::Stream,
            ModeArg::Connect => Mode::Connect,
        },
        rate: args.rate,
        window: args.window.unwrap_or(0),
        threads: args.threads.unwrap_or(LoadConfig::default_threads()).clamp(1, args.connections.max(1)),
        timeout: Duration::from_millis(args.timeout_ms),
        progress: None,
    };
    config.validate().map_err(anyhow::Error::msg)?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))?;
    }
    let report = load::run(&config, stop);
    let mut out = Out::new();
    out.line(report.summary().trim_end());
    out.line(&report.json());
    Ok(out.code(if report.ok { EXIT_OK } else { EXIT_FAILURE }))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::transcript::render::escape;

    fn parse_send(args: &[&str]) -> Option<SendArgs> {
        let argv = ["socket-tester", "send"].into_iter().chain(args.iter().copied());
        match Cli::try_parse_from(argv).ok()?.command {
            Some(CliCommand::Send(send)) => Some(send),
            _ => None,
        }
    }

    fn spec_of(args: &[&str]) -> Option<SessionSpec> {
        parse_send(args)?.spec().ok()
    }

    proptest! {
        #[test]
        fn any_bytes_given_escaped_reach_send_exactly(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            // As typed for the editor: escapes, and `{{` for a brace (braces start macros).
            let shown: Vec<String> = bytes.split(|b| *b == b'{').map(escape).collect();
            let shown = shown.join("{{");
            let spec = spec_of(&["tcp", "127.0.0.1:9", "-e", "--", &shown]);
            prop_assert_eq!(spec.and_then(|s| s.message.bytes()), Some(Ok(bytes)));
        }

        #[test]
        fn any_hex_given_reaches_send_exactly(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let spec = spec_of(&["udp", "127.0.0.1:9", "--message-hex", &hex]);
            prop_assert_eq!(spec.and_then(|s| s.message.bytes()), Some(Ok(bytes)));
        }

        #[test]
        fn any_text_message_is_carried_as_typed(text in "\\PC{1,80}") {
            let send = parse_send(&["udp", "[::1]:7", "--", &text]);
            prop_assert_eq!(send.and_then(|s| s.message), Some(text));
        }

        #[test]
        fn any_target_argument_parses_like_the_form(port in 1u16.., v6 in any::<bool>()) {
            let target = if v6 { format!("[::1]:{port}") } else { format!("127.0.0.1:{port}") };
            let spec = spec_of(&["tcp", &target]);
            prop_assert_eq!(spec.map(|s| s.endpoint().to_string()), Some(target));
        }
    }

    #[test]
    fn arguments_override_the_defaults_once() {
        let spec =
            spec_of(&["udp", "[::1]:7", "--count", "3", "--line-ending", "crlf", "--encoding", "latin1"]);
        let spec = spec.unwrap_or_default();
        assert_eq!((spec.protocol, spec.port, spec.plan.count), (Protocol::Udp, 7, 3));
        assert_eq!(spec.message.line_ending, LineEnding::Crlf);
        assert_eq!(spec.message.encoding, TextEncoding::Latin1);
        assert_eq!(spec.chunk_bytes(), 4096, "the UDP client's default buffer");
        assert!(parse_send(&["tcp"]).and_then(|s| s.spec().err()).is_none());
        assert!(parse_send(&[]).is_some_and(|s| s.spec().is_err()), "no protocol, no preset");
    }
}
