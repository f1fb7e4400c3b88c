//! Messages with macros: bytes interleaved with `{counter}`, `{time}`, `{unix_ms}`,
//! `{random:N}`, checksums over the bytes before them, and captures from the last reply.
//! A [`Template`] is expanded at each send, in the worker, so a repeated message counts, takes
//! the time, and checks its own bytes anew every time.

use std::collections::HashMap;

use bytes::Bytes;
use jiff::Timestamp;

/// A checksum over the bytes that precede it in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// CRC-16/MODBUS (poly 0x8005 reflected, init 0xFFFF); check value 0x4B37.
    Crc16Modbus,
    /// CRC-16/CCITT-FALSE, also called CRC-16/IBM-3740 (poly 0x1021, init 0xFFFF); check 0x29B1.
    Crc16Ccitt,
    /// CRC-32 (ISO-HDLC, as in Ethernet and zip); check value 0xCBF43926.
    Crc32,
    /// The sum of the bytes, modulo 256.
    Sum8,
    /// The exclusive or of the bytes.
    Xor8,
}

impl Checksum {
    /// Its macro name.
    pub fn name(self) -> &'static str {
        match self {
            Checksum::Crc16Modbus => "crc16_modbus",
            Checksum::Crc16Ccitt => "crc16_ccitt",
            Checksum::Crc32 => "crc32",
            Checksum::Sum8 => "sum8",
            Checksum::Xor8 => "xor8",
        }
    }

    /// Every checksum.
    pub const ALL: [Checksum; 5] =
        [Checksum::Crc16Modbus, Checksum::Crc16Ccitt, Checksum::Crc32, Checksum::Sum8, Checksum::Xor8];

    /// The checksum of `data`, and its width in bytes.
    pub fn compute(self, data: &[u8]) -> (u32, usize) {
        match self {
            Checksum::Crc16Modbus => (u32::from(crc::Crc::<u16>::new(&crc::CRC_16_MODBUS).checksum(data)), 2),
            Checksum::Crc16Ccitt => {
                (u32::from(crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740).checksum(data)), 2)
            }
            Checksum::Crc32 => (crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(data), 4),
            Checksum::Sum8 => (u32::from(data.iter().fold(0u8, |a, b| a.wrapping_add(*b))), 1),
            Checksum::Xor8 => (u32::from(data.iter().fold(0u8, |a, b| a ^ b)), 1),
        }
    }

    /// The order its protocol sends it in: Modbus RTU sends its CRC low byte first; the
    /// others are sent high byte first.
    fn natural_little_endian(self) -> bool {
        self == Checksum::Crc16Modbus
    }
}

/// Which byte of a checksum goes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As its protocol sends it.
    Natural,
    /// Low byte first (`_le`).
    Little,
    /// High byte first (`_be`).
    Big,
}

/// A reference to a part of the last reply that an expectation captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureRef {
    /// `{1}`: a numbered group.
    Index(usize),
    /// `{token}`: a named group.
    Name(String),
}

/// How a counter is written: as decimal text (the default), zero-padded decimal or hex text of
/// a fixed width, or a binary integer of 1, 2, 4 or 8 bytes in either byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CounterForm {
    /// Decimal text, as wide as it needs (`{counter}`).
    #[default]
    Decimal,
    /// Decimal text of exactly N digits, zero-padded, wrapping at 10^N (`dec6`).
    DecimalWidth(u8),
    /// Upper-case hex text of exactly N digits, zero-padded, wrapping at 16^N (`hex4`).
    HexWidth(u8),
    /// A binary unsigned integer of this many bytes, wrapping at its size (`u8`, `u16be`,
    /// `u32le`, `u64be`…).
    Binary {
        /// 1, 2, 4 or 8.
        bytes: u8,
        /// Low byte first.
        little: bool,
    },
}

impl CounterForm {
    /// Reads `u8`, `u16be`, `u16le`, `u32be`, `u32le`, `u64be`, `u64le`, `decN` or `hexN`
    /// (N from 1 to 20 for decimal, 16 for hex).
    fn parse(text: &str) -> Option<CounterForm> {
        if text == "u8" {
            return Some(CounterForm::Binary { bytes: 1, little: false });
        }
        for (prefix, bytes) in [("u16", 2u8), ("u32", 4), ("u64", 8)] {
            if let Some(order) = text.strip_prefix(prefix) {
                return match order {
                    "be" => Some(CounterForm::Binary { bytes, little: false }),
                    "le" => Some(CounterForm::Binary { bytes, little: true }),
                    _ => None,
                };
            }
        }
        let width = |digits: &str, max: u8| digits.parse::<u8>().ok().filter(|n| (1..=max).contains(n));
        if let Some(digits) = text.strip_prefix("dec") {
            return width(digits, 20).map(CounterForm::DecimalWidth);
        }
        if let Some(digits) = text.strip_prefix("hex") {
            return width(digits, 16).map(CounterForm::HexWidth);
        }
        None
    }

    /// Appends `value`, written in this form (wrapped to the form's width), to `out`; text forms
    /// follow `text` (one byte per digit, or UTF-16).
    fn push(self, value: u64, text: TextForm, out: &mut Vec<u8>) {
        match self {
            CounterForm::Decimal => text.push(&value.to_string(), out),
            CounterForm::DecimalWidth(n) => {
                let value = 10u64.checked_pow(u32::from(n)).map_or(value, |m| value % m);
                text.push(&format!("{value:0width$}", width = usize::from(n)), out)
            }
            CounterForm::HexWidth(n) => {
                let value = 16u64.checked_pow(u32::from(n)).map_or(value, |m| value % m);
                text.push(&format!("{value:0width$X}", width = usize::from(n)), out)
            }
            CounterForm::Binary { bytes, little } => {
                let all = if little { value.to_le_bytes() } else { value.to_be_bytes() };
                let n = usize::from(bytes);
                out.extend_from_slice(if little { &all[..n] } else { &all[8 - n..] });
            }
        }
    }
}

/// A counter: how it is written, its first value and what each send adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    /// How it is written.
    pub form: CounterForm,
    /// The first send's value.
    pub start: u64,
    /// What each further send adds (wrapping).
    pub step: u64,
}

impl Default for Counter {
    fn default() -> Self {
        Counter { form: CounterForm::Decimal, start: 1, step: 1 }
    }
}

impl Counter {
    /// Reads what follows `counter` in a macro's name: nothing, or `:`-separated parts, each a
    /// form (`u16be`, `hex4`, `dec6`…), `start=N` or `step=N`, in any order.
    fn parse(rest: &str) -> Option<Counter> {
        let mut counter = Counter::default();
        if rest.is_empty() {
            return Some(counter);
        }
        for part in rest.strip_prefix(':')?.split(':') {
            if let Some(n) = part.strip_prefix("start=") {
                counter.start = n.parse().ok()?;
            } else if let Some(n) = part.strip_prefix("step=") {
                counter.step = n.parse().ok()?;
            } else {
                counter.form = CounterForm::parse(part)?;
            }
        }
        Some(counter)
    }

    /// Its value at send number `n` (from 1).
    pub fn value(self, n: u64) -> u64 {
        self.start.wrapping_add(n.saturating_sub(1).wrapping_mul(self.step))
    }
}

/// One macro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Macro {
    /// `{counter}`: 1 for the first send, then 2, 3… as decimal text; `{counter:u16be}`,
    /// `{counter:hex4:start=0:step=2}` and the like choose its form, start and step.
    Counter(Counter),
    /// `{time}`: now, RFC 3339.
    Time,
    /// `{unix_ms}`: milliseconds since 1970, as decimal text.
    UnixMs,
    /// `{random:N}`: N random bytes.
    Random(usize),
    /// A checksum over the bytes before it.
    Checksum(Checksum, Order),
    /// A capture from the last expectation.
    Capture(CaptureRef),
}

/// The most random bytes one macro may ask for.
pub const MAX_RANDOM: usize = 65_536;

impl Counter {
    /// What follows `counter` in its macro's name (empty for the default counter).
    fn source(self) -> String {
        let mut out = String::new();
        match self.form {
            CounterForm::Decimal => {}
            CounterForm::DecimalWidth(n) => out.push_str(&format!(":dec{n}")),
            CounterForm::HexWidth(n) => out.push_str(&format!(":hex{n}")),
            CounterForm::Binary { bytes: 1, .. } => out.push_str(":u8"),
            CounterForm::Binary { bytes, little } => {
                out.push_str(&format!(":u{}{}", u32::from(bytes) * 8, if little { "le" } else { "be" }))
            }
        }
        if self.start != 1 {
            out.push_str(&format!(":start={}", self.start));
        }
        if self.step != 1 {
            out.push_str(&format!(":step={}", self.step));
        }
        out
    }
}

impl Macro {
    /// What stands between its braces: `Macro::parse(&m.source()) == Some(m)`.
    pub fn source(&self) -> String {
        match self {
            Macro::Counter(counter) => format!("counter{}", counter.source()),
            Macro::Time => "time".into(),
            Macro::UnixMs => "unix_ms".into(),
            Macro::Random(n) => format!("random:{n}"),
            Macro::Checksum(checksum, order) => {
                let suffix = match order {
                    Order::Natural => "",
                    Order::Little => "_le",
                    Order::Big => "_be",
                };
                format!("{}{suffix}", checksum.name())
            }
            Macro::Capture(CaptureRef::Index(i)) => i.to_string(),
            Macro::Capture(CaptureRef::Name(name)) => format!("cap:{name}"),
        }
    }

    /// Whether it writes text (so its bytes depend on the message's text encoding).
    pub fn writes_text(&self) -> bool {
        match self {
            Macro::Counter(counter) => {
                matches!(
                    counter.form,
                    CounterForm::Decimal | CounterForm::DecimalWidth(_) | CounterForm::HexWidth(_)
                )
            }
            Macro::Time | Macro::UnixMs => true,
            Macro::Random(_) | Macro::Checksum(..) | Macro::Capture(_) => false,
        }
    }

    /// Reads a macro's name (what stands between the braces); `None` when it names none.
    pub fn parse(name: &str) -> Option<Macro> {
        if let Ok(index) = name.parse::<usize>() {
            return Some(Macro::Capture(CaptureRef::Index(index)));
        }
        if let Some(rest) = name.strip_prefix("counter") {
            // `{counterX}` is a capture's name, not a counter.
            if rest.is_empty() || rest.starts_with(':') {
                return Counter::parse(rest).map(Macro::Counter);
            }
        }
        match name {
            "time" => return Some(Macro::Time),
            "unix_ms" => return Some(Macro::UnixMs),
            _ => {}
        }
        if let Some(n) = name.strip_prefix("random:") {
            return n.parse::<usize>().ok().filter(|n| (1..=MAX_RANDOM).contains(n)).map(Macro::Random);
        }
        for checksum in Checksum::ALL {
            let Some(rest) = name.strip_prefix(checksum.name()) else { continue };
            let order = match rest {
                "" => Order::Natural,
                "_le" => Order::Little,
                "_be" => Order::Big,
                _ => continue,
            };
            return Some(Macro::Checksum(checksum, order));
        }
        let capture = name.strip_prefix("cap:").unwrap_or(name);
        (!capture.is_empty() && capture.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| Macro::Capture(CaptureRef::Name(capture.to_string())))
    }
}

/// What an expectation captured from the last reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captures {
    /// Numbered groups, from 1 (index 0 is the whole match).
    pub groups: Vec<Option<Bytes>>,
    /// Named groups.
    pub named: HashMap<String, Bytes>,
}

impl Captures {
    fn get(&self, capture: &CaptureRef) -> Option<&Bytes> {
        match capture {
            CaptureRef::Index(i) => self.groups.get(*i).and_then(Option::as_ref),
            CaptureRef::Name(name) => self.named.get(name),
        }
    }
}

/// What a template needs to become bytes.
pub struct Expansion<'a> {
    /// This send's number, from 1.
    pub counter: u64,
    /// Now.
    pub now: Timestamp,
    /// The last reply's captures.
    pub captures: &'a Captures,
    /// Fills random bytes (the preview passes a fixed pattern so it does not flicker).
    pub random: &'a mut dyn FnMut(&mut [u8]),
}

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Bytes as they are.
    Bytes(Vec<u8>),
    /// A macro, expanded at each send.
    Macro(Macro),
}

/// How the text a macro writes (`{counter}`, `{time}`, `{unix_ms}`) becomes bytes: one byte
/// per character, or UTF-16 like the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextForm {
    /// One byte per character (UTF-8, Latin-1 and hex messages alike: the text is ASCII).
    #[default]
    Ascii,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

impl TextForm {
    fn push(self, text: &str, out: &mut Vec<u8>) {
        for unit in text.encode_utf16() {
            match self {
                TextForm::Ascii => out.push(unit as u8),
                TextForm::Utf16Le => out.extend_from_slice(&unit.to_le_bytes()),
                TextForm::Utf16Be => out.extend_from_slice(&unit.to_be_bytes()),
            }
        }
    }
}

/// A message with macros.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    /// Its parts, in order.
    pub parts: Vec<Part>,
    /// How macros write their text.
    pub text: TextForm,
}

impl Template {
    /// Whether it holds any macro.
    pub fn has_macros(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Macro(_)))
    }

    /// Its bytes for one send. A capture the last reply did not have expands to nothing.
    pub fn expand(&self, expansion: &mut Expansion<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Bytes(bytes) => out.extend_from_slice(bytes),
                Part::Macro(Macro::Counter(counter)) => {
                    counter.form.push(counter.value(expansion.counter), self.text, &mut out)
                }
                Part::Macro(Macro::Time) => self.text.push(&expansion.now.to_string(), &mut out),
                Part::Macro(Macro::UnixMs) => {
                    self.text.push(&expansion.now.as_millisecond().to_string(), &mut out)
                }
                Part::Macro(Macro::Random(n)) => {
                    let start = out.len();
                    out.resize(start + n, 0);
                    (expansion.random)(&mut out[start..]);
                }
                Part::Macro(Macro::Checksum(checksum, order)) => {
                    let (value, width) = checksum.compute(&out);
                    let big = value.to_be_bytes();
                    let mut bytes = big[4 - width..].to_vec();
                    let little = match order {
                        Order::Natural => checksum.natural_little_endian(),
                        Order::Little => true,
                        Order::Big => false,
                    };
                    if little {
                        bytes.reverse();
                    }
                    out.extend_from_slice(&bytes);
                }
                Part::Macro(Macro::Capture(capture)) => {
                    if let Some(bytes) = expansion.captures.get(capture) {
                        out.extend_from_slice(bytes);
                    }
                }
            }
        }
        out
    }
}

/// Fills with random bytes.
pub fn random_bytes(buf: &mut [u8]) {
    buf.iter_mut().for_each(|b| *b = fastrand::u8(..));
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: &[u8] = b"123456789";

    fn with(parts: Vec<Part>) -> Vec<u8> {
        let captures = Captures::default();
        let mut random = |b: &mut [u8]| b.fill(0xAA);
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        Template { parts, text: TextForm::Ascii }.expand(&mut Expansion {
            counter: 7,
            now,
            captures: &captures,
            random: &mut random,
        })
    }

    #[test]
    fn published_check_values() {
        assert_eq!(Checksum::Crc16Modbus.compute(CHECK), (0x4B37, 2));
        assert_eq!(Checksum::Crc16Ccitt.compute(CHECK), (0x29B1, 2));
        assert_eq!(Checksum::Crc32.compute(CHECK), (0xCBF4_3926, 4));
        assert_eq!(Checksum::Sum8.compute(CHECK), (0xDD, 1));
        assert_eq!(Checksum::Xor8.compute(CHECK), (0x31, 1));
    }

    #[test]
    fn checksums_go_in_their_protocols_order_unless_told() {
        let sum =
            |name: &str| with(vec![Part::Bytes(CHECK.to_vec()), Part::Macro(Macro::parse(name).unwrap())]);
        assert_eq!(sum("crc16_modbus")[9..], [0x37, 0x4B], "Modbus RTU: low byte first");
        assert_eq!(sum("crc16_modbus_be")[9..], [0x4B, 0x37]);
        assert_eq!(sum("crc16_ccitt")[9..], [0x29, 0xB1]);
        assert_eq!(sum("crc16_ccitt_le")[9..], [0xB1, 0x29]);
        assert_eq!(sum("crc32")[9..], [0xCB, 0xF4, 0x39, 0x26]);
        // A real Modbus RTU request: read one holding register at 0 from unit 1.
        let request = with(vec![
            Part::Bytes(vec![0x01, 0x03, 0x00, 0x00, 0x00, 0x01]),
            Part::Macro(Macro::parse("crc16_modbus").unwrap()),
        ]);
        assert_eq!(request, [0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A]);
    }

    #[test]
    fn counter_time_random_and_captures() {
        let parts = vec![
            Part::Macro(Macro::Counter(Counter::default())),
            Part::Bytes(b" ".to_vec()),
            Part::Macro(Macro::UnixMs),
            Part::Bytes(b" ".to_vec()),
            Part::Macro(Macro::Time),
            Part::Macro(Macro::Random(2)),
        ];
        assert_eq!(with(parts), b"7 1700000000000 2023-11-14T22:13:20Z\xAA\xAA");
        let captures = Captures {
            groups: vec![None, Some(Bytes::from_static(b"abc"))],
            named: [("token".to_string(), Bytes::from_static(b"xyz"))].into(),
        };
        let template = Template {
            parts: vec![Part::Macro(Macro::parse("1").unwrap()), Part::Macro(Macro::parse("token").unwrap())],
            text: TextForm::Utf16Le,
        };
        let mut random = |_: &mut [u8]| {};
        let mut expansion =
            Expansion { counter: 1, now: Timestamp::now(), captures: &captures, random: &mut random };
        assert_eq!(template.expand(&mut expansion), b"abcxyz", "captures are bytes, as they came");
        let counter = Template {
            parts: vec![Part::Macro(Macro::Counter(Counter::default()))],
            text: TextForm::Utf16Be,
        };
        assert_eq!(counter.expand(&mut expansion), [0, b'1'], "a counter in UTF-16 text is UTF-16");
        assert_eq!(Macro::parse("random:0"), None);
        assert_eq!(
            Macro::parse("crc16_modbus_xx"),
            Some(Macro::Capture(CaptureRef::Name("crc16_modbus_xx".into())))
        );
        assert_eq!(Macro::parse("a b"), None);
    }

    /// The counter's value at send `n` (from 1), written by the macro `name`.
    fn counter(name: &str, n: u64) -> Vec<u8> {
        let captures = Captures::default();
        let mut random = |_: &mut [u8]| {};
        let template =
            Template { parts: vec![Part::Macro(Macro::parse(name).unwrap())], text: TextForm::Ascii };
        template.expand(&mut Expansion {
            counter: n,
            now: Timestamp::now(),
            captures: &captures,
            random: &mut random,
        })
    }

    #[test]
    fn counters_take_a_width_an_encoding_a_start_and_a_step() {
        assert_eq!(counter("counter", 10), b"10");
        assert_eq!(counter("counter:u8", 1), [1]);
        assert_eq!(counter("counter:u8", 257), [1], "a byte wraps");
        assert_eq!(counter("counter:u16be", 0x0102), [1, 2]);
        assert_eq!(counter("counter:u16le", 0x0102), [2, 1]);
        assert_eq!(counter("counter:u32be", 5), [0, 0, 0, 5]);
        assert_eq!(counter("counter:u32le", 5), [5, 0, 0, 0]);
        assert_eq!(counter("counter:u64be", 1), [0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(counter("counter:hex4", 255), b"00FF");
        assert_eq!(counter("counter:hex2", 0x1FF), b"FF", "hex text wraps at its width");
        assert_eq!(counter("counter:dec6", 42), b"000042");
        assert_eq!(counter("counter:dec2", 123), b"23");
        assert_eq!(counter("counter:u16be:start=0", 1), [0, 0], "a Modbus transaction id from 0");
        assert_eq!(counter("counter:start=100:step=10", 3), b"120");
        assert_eq!(counter("counter:step=2:dec3", 4), b"007");
        assert_eq!(counter("counter:u8:start=255", 2), [0], "wraps past 255");
        for bad in
            ["counter:u16", "counter:u24be", "counter:dec0", "counter:hex17", "counter:start=x", "counter:"]
        {
            assert_eq!(Macro::parse(bad), None, "{bad}");
        }
        assert!(matches!(Macro::parse("counterx"), Some(Macro::Capture(_))));
        for name in [
            "counter",
            "counter:u16be:start=0",
            "counter:hex4:step=2",
            "counter:u8",
            "counter:u64le",
            "counter:dec6:start=5:step=3",
            "time",
            "unix_ms",
            "random:4",
            "crc16_modbus",
            "crc32_le",
            "sum8_be",
            "7",
            "cap:token",
        ] {
            let parsed = Macro::parse(name).unwrap();
            assert_eq!(Macro::parse(&parsed.source()), Some(parsed.clone()), "{name}");
        }
    }
}
