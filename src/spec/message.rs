//! The message editor's meaning: text (with or without escapes) or hex, a line ending, a text
//! encoding, or a file. One parser for the window and the command line, with errors that name
//! the character by its 1-based position.

use std::path::PathBuf;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::engine::Payload;
use crate::engine::template::{Captures, Expansion, Macro, Part, Template, TextForm};

/// How the message box is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageMode {
    /// Text, encoded with the chosen encoding; escapes optional.
    #[default]
    Text,
    /// Hex digits: `48 65 6C`, `48656C` or `48:65:6C`.
    Hex,
    /// A file's bytes, streamed.
    File,
}

impl MessageMode {
    /// Every mode, in menu order.
    pub const ALL: [MessageMode; 3] = [MessageMode::Text, MessageMode::Hex, MessageMode::File];
}

/// What is appended to each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    /// Nothing.
    #[default]
    None,
    /// `\n`.
    Lf,
    /// `\r`.
    Cr,
    /// `\r\n`.
    Crlf,
}

impl LineEnding {
    /// Every line ending, in menu order.
    pub const ALL: [LineEnding; 4] = [LineEnding::None, LineEnding::Lf, LineEnding::Cr, LineEnding::Crlf];

    /// The characters appended (encoded like the text).
    pub fn text(self) -> &'static str {
        match self {
            LineEnding::None => "",
            LineEnding::Lf => "\n",
            LineEnding::Cr => "\r",
            LineEnding::Crlf => "\r\n",
        }
    }

    /// How the menu and the command line name it.
    pub fn name(self) -> &'static str {
        match self {
            LineEnding::None => "none",
            LineEnding::Lf => "LF",
            LineEnding::Cr => "CR",
            LineEnding::Crlf => "CRLF",
        }
    }
}

/// How text becomes bytes. No byte-order mark is ever written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TextEncoding {
    /// UTF-8.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// ISO-8859-1: one byte per character, U+0000 to U+00FF only.
    #[serde(rename = "latin1")]
    Latin1,
    /// UTF-16, little-endian.
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16, big-endian.
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

impl TextEncoding {
    /// Every encoding, in menu order.
    pub const ALL: [TextEncoding; 4] =
        [TextEncoding::Utf8, TextEncoding::Latin1, TextEncoding::Utf16Le, TextEncoding::Utf16Be];

    /// Its usual name.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Latin1 => "Latin-1",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Appends one character's bytes, or says it has none in this encoding.
    ///
    /// The standard library does this exactly; encoding_rs would not: it follows the WHATWG
    /// Encoding Standard, where the label "iso-8859-1" means windows-1252 (not Latin-1 for
    /// 0x80..0x9F) and UTF-16 can only be decoded, not encoded.
    fn push(self, c: char, out: &mut Vec<u8>) -> bool {
        match self {
            TextEncoding::Utf8 => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            // Latin-1 is exactly the first 256 code points.
            TextEncoding::Latin1 => match u8::try_from(u32::from(c)) {
                Ok(byte) => out.push(byte),
                Err(_) => return false,
            },
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let bytes =
                        if self == TextEncoding::Utf16Le { unit.to_le_bytes() } else { unit.to_be_bytes() };
                    out.extend_from_slice(&bytes);
                }
            }
        }
        true
    }
}

/// What is wrong with a message, at which character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MessageError {
    /// The character's position in the text, from 1.
    pub position: usize,
    /// What is wrong there.
    pub problem: MessageProblem,
}

/// What can be wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageProblem {
    /// Hex mode: a character that is not a hex digit or a separator.
    NotHexDigit(char),
    /// Hex mode: a byte with one digit.
    HalfByte,
    /// An escape that is not one of `\r \n \t \0 \\ \xNN \u{N}`.
    UnknownEscape(char),
    /// `\x` without two hex digits.
    BadByteEscape,
    /// `\u` without `{HEX}` of 1 to 6 digits naming a character.
    BadCharEscape,
    /// A backslash at the very end.
    LoneBackslash,
    /// A character the encoding cannot hold.
    Unencodable {
        /// The character.
        ch: char,
        /// The encoding.
        encoding: TextEncoding,
    },
}

/// English, for the command line's messages and logs; the window renders it in its own
/// language through [`crate::vocabulary`].
impl std::fmt::Display for MessageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::english().render(&crate::vocabulary::message_error(self)))
    }
}

/// One piece of parsed text: a character to encode, a byte given as `\xNN`, or a macro.
enum Piece {
    Char(char),
    Byte(u8),
    Macro(Macro),
}

/// The longest macro name looked for between braces.
const MACRO_NAME_MAX: usize = 64;

/// A macro whose name starts at `chars[i]` (just after its `{`): the macro, and the characters
/// it takes with its `}`. Braces around anything that names no macro (JSON, say) are text.
fn macro_at(chars: &[char], i: usize) -> Option<(Macro, usize)> {
    let rest = chars.get(i..)?;
    let end = rest.iter().take(MACRO_NAME_MAX + 1).position(|c| *c == '}')?;
    let name: String = rest[..end].iter().collect();
    Macro::parse(&name).map(|m| (m, end + 1))
}

/// Reads text into characters, raw bytes and (when `macros`) macros. Positions count
/// characters from 1. `{{` is a literal `{` when macros are read.
fn pieces(text: &str, escapes: bool, macros: bool) -> Result<Vec<(usize, Piece)>, MessageError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = (i + 1, chars[i]);
        i += 1;
        if macros && c == '{' {
            if chars.get(i) == Some(&'{') {
                i += 1;
                out.push((pos, Piece::Char('{')));
            } else if let Some((found, taken)) = macro_at(&chars, i) {
                i += taken;
                out.push((pos, Piece::Macro(found)));
            } else {
                out.push((pos, Piece::Char('{')));
            }
            continue;
        }
        if !escapes || c != '\\' {
            out.push((pos, Piece::Char(c)));
            continue;
        }
        let err = |problem| MessageError { position: pos, problem };
        let next = chars.get(i).copied();
        i += 1;
        let piece = match next {
            Some('n') => Piece::Char('\n'),
            Some('r') => Piece::Char('\r'),
            Some('t') => Piece::Char('\t'),
            Some('0') => Piece::Char('\0'),
            Some('\\') => Piece::Char('\\'),
            Some('"') => Piece::Char('"'),
            Some('x') => {
                let digits: String =
                    chars.iter().skip(i).take(2).take_while(|c| c.is_ascii_hexdigit()).collect();
                i += digits.chars().count();
                match u8::from_str_radix(&digits, 16) {
                    Ok(b) if digits.len() == 2 => Piece::Byte(b),
                    _ => return Err(err(MessageProblem::BadByteEscape)),
                }
            }
            Some('u') => {
                if chars.get(i) != Some(&'{') {
                    return Err(err(MessageProblem::BadCharEscape));
                }
                i += 1;
                let mut digits = String::new();
                loop {
                    let d = chars.get(i).copied();
                    i += 1;
                    match d {
                        Some('}') if !digits.is_empty() => break,
                        Some(d) if d.is_ascii_hexdigit() && digits.len() < 6 => digits.push(d),
                        _ => return Err(err(MessageProblem::BadCharEscape)),
                    }
                }
                match u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32) {
                    Some(c) => Piece::Char(c),
                    None => return Err(err(MessageProblem::BadCharEscape)),
                }
            }
            Some(other) => return Err(err(MessageProblem::UnknownEscape(other))),
            None => return Err(err(MessageProblem::LoneBackslash)),
        };
        out.push((pos, piece));
    }
    Ok(out)
}

/// Builds a template part by part: bytes gather until a macro comes.
#[derive(Default)]
struct Builder {
    parts: Vec<Part>,
    bytes: Vec<u8>,
}

impl Builder {
    fn push_macro(&mut self, found: Macro) {
        if !self.bytes.is_empty() {
            self.parts.push(Part::Bytes(std::mem::take(&mut self.bytes)));
        }
        self.parts.push(Part::Macro(found));
    }

    fn finish(mut self, text: TextForm) -> Template {
        if !self.bytes.is_empty() {
            self.parts.push(Part::Bytes(self.bytes));
        }
        Template { parts: self.parts, text }
    }
}

impl TextEncoding {
    /// How macros write their text in a message of this encoding.
    fn text_form(self) -> TextForm {
        match self {
            TextEncoding::Utf8 | TextEncoding::Latin1 => TextForm::Ascii,
            TextEncoding::Utf16Le => TextForm::Utf16Le,
            TextEncoding::Utf16Be => TextForm::Utf16Be,
        }
    }
}

/// Text to a template: escapes read (if asked), characters encoded, `\xNN` bytes kept as they
/// are, and (if asked) macros.
pub(crate) fn text_template(
    text: &str,
    escapes: bool,
    macros: bool,
    encoding: TextEncoding,
) -> Result<Template, MessageError> {
    let mut builder = Builder::default();
    for (position, piece) in pieces(text, escapes, macros)? {
        match piece {
            Piece::Byte(b) => builder.bytes.push(b),
            Piece::Char(ch) => {
                if !encoding.push(ch, &mut builder.bytes) {
                    return Err(MessageError {
                        position,
                        problem: MessageProblem::Unencodable { ch, encoding },
                    });
                }
            }
            Piece::Macro(found) => builder.push_macro(found),
        }
    }
    Ok(builder.finish(encoding.text_form()))
}

/// A server's reply: text with escapes and macros, where `$1` and `${name}` stand for what the
/// matching regex captured and `$$` is a dollar.
pub fn reply_template(text: &str) -> Result<Template, MessageError> {
    let mut rewritten = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            rewritten.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('$') => {
                chars.next();
                rewritten.push('$');
            }
            Some(d) if d.is_ascii_digit() => {
                let mut digits = String::new();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                rewritten.push_str(&format!("{{{digits}}}"));
            }
            Some('{') => {
                chars.next();
                let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                rewritten.push_str(&format!("{{{name}}}"));
            }
            _ => rewritten.push('$'),
        }
    }
    text_template(&rewritten, true, true, TextEncoding::Utf8)
}

/// Text to bytes, with no macros: escapes read (if asked), characters encoded, `\xNN` bytes
/// kept as they are.
pub fn encode_text(text: &str, escapes: bool, encoding: TextEncoding) -> Result<Vec<u8>, MessageError> {
    let template = text_template(text, escapes, false, encoding)?;
    Ok(template.parts.into_iter().flat_map(|p| if let Part::Bytes(b) = p { b } else { Vec::new() }).collect())
}

/// Hex digits to bytes, with macros (`01 03 00 00 00 01 {crc16_modbus}`). Spaces, tabs, new
/// lines, `:`, `-` and `,` may separate bytes; a `0x` before a byte is allowed.
pub(crate) fn hex_template(text: &str) -> Result<Template, MessageError> {
    let mut builder = Builder::default();
    let mut high: Option<(usize, u8)> = None;
    let chars: Vec<char> = text.chars().collect();
    let half = |start| MessageError { position: start, problem: MessageProblem::HalfByte };
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = (i + 1, chars[i]);
        i += 1;
        if let Some(digit) = c.to_digit(16) {
            // "0x" prefix: a 0 followed by x at the start of a byte.
            if high.is_none() && c == '0' && matches!(chars.get(i), Some('x' | 'X')) {
                i += 1;
                continue;
            }
            match high.take() {
                Some((_, h)) => builder.bytes.push(h << 4 | digit as u8),
                None => high = Some((pos, digit as u8)),
            }
            continue;
        }
        if let Some((start, _)) = high {
            return Err(if c.is_whitespace() || matches!(c, ':' | '-' | ',' | '{') {
                half(start)
            } else {
                MessageError { position: pos, problem: MessageProblem::NotHexDigit(c) }
            });
        }
        if c == '{' {
            match macro_at(&chars, i) {
                Some((found, taken)) => {
                    i += taken;
                    builder.push_macro(found);
                    continue;
                }
                None => return Err(MessageError { position: pos, problem: MessageProblem::NotHexDigit(c) }),
            }
        }
        if c.is_whitespace() || matches!(c, ':' | '-' | ',') {
            continue;
        }
        return Err(MessageError { position: pos, problem: MessageProblem::NotHexDigit(c) });
    }
    if let Some((start, _)) = high {
        return Err(half(start));
    }
    Ok(builder.finish(TextForm::Ascii))
}

/// Hex digits to bytes (no macros). Spaces, tabs, new lines, `:`, `-` and `,` may separate
/// bytes; a `0x` before a byte is allowed.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, MessageError> {
    let template = hex_template(text)?;
    let mut out = Vec::new();
    for part in template.parts {
        match part {
            Part::Bytes(bytes) => out.extend(bytes),
            Part::Macro(_) => {
                let position = text.chars().position(|c| c == '{').map_or(1, |p| p + 1);
                return Err(MessageError { position, problem: MessageProblem::NotHexDigit('{') });
            }
        }
    }
    Ok(out)
}

/// The message of a client: what the editor holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageSpec {
    /// Text, hex or file.
    pub mode: MessageMode,
    /// The text, or the hex digits, as typed.
    pub text: String,
    /// Text mode: read `\r \n \t \0 \\ \xNN \u{N}`.
    pub escapes: bool,
    /// Appended to each message (text and hex modes).
    pub line_ending: LineEnding,
    /// Text mode: how characters become bytes.
    pub encoding: TextEncoding,
    /// File mode: the file whose bytes are sent.
    pub file: Option<PathBuf>,
}

impl Default for MessageSpec {
    fn default() -> Self {
        MessageSpec {
            mode: MessageMode::Text,
            text: crate::engine::DEFAULT_MESSAGE.into(),
            escapes: false,
            line_ending: LineEnding::None,
            encoding: TextEncoding::Utf8,
            file: None,
        }
    }
}

impl MessageSpec {
    /// The message as a template: its bytes and macros, line ending included. `None` in file
    /// mode, whose bytes are read only as they are sent.
    pub fn template(&self) -> Option<Result<Template, MessageError>> {
        let template = match self.mode {
            MessageMode::Text => text_template(&self.text, self.escapes, true, self.encoding),
            MessageMode::Hex => hex_template(&self.text),
            MessageMode::File => return None,
        };
        Some(template.map(|mut template| {
            // The line ending is plain ASCII, which every encoding here can hold; hex messages
            // take it as single bytes.
            let encoding = if self.mode == MessageMode::Text { self.encoding } else { TextEncoding::Utf8 };
            let mut ending = Vec::new();
            let _ = self.line_ending.text().chars().all(|c| encoding.push(c, &mut ending));
            if !ending.is_empty() {
                template.parts.push(Part::Bytes(ending));
            }
            template
        }))
    }

    /// The exact bytes of a text or hex message as its first send would have them (random
    /// bytes shown as zeros, captures empty). `None` in file mode.
    pub fn bytes(&self) -> Option<Result<Vec<u8>, MessageError>> {
        self.template().map(|template| {
            template.map(|template| {
                let captures = Captures::default();
                let mut random = |buf: &mut [u8]| buf.fill(0);
                let now = jiff::Timestamp::now();
                template.expand(&mut Expansion { counter: 1, now, captures: &captures, random: &mut random })
            })
        })
    }

    /// Whether the message holds macros (so its bytes change from send to send).
    pub fn has_macros(&self) -> bool {
        self.template().and_then(Result::ok).is_some_and(|t| t.has_macros())
    }

    /// What the engine sends (call after validation). `None` when file mode has no file.
    pub fn payload(&self) -> Option<Result<Payload, MessageError>> {
        match self.mode {
            MessageMode::File => self.file.clone().map(|path| Ok(Payload::File(path))),
            _ => self.template().map(|template| {
                template.map(|template| {
                    if template.has_macros() {
                        Payload::Template(template)
                    } else {
                        let bytes: Vec<u8> = template
                            .parts
                            .into_iter()
                            .flat_map(|p| if let Part::Bytes(b) = p { b } else { Vec::new() })
                            .collect();
                        Payload::Bytes(Bytes::from(bytes))
                    }
                })
            }),
        }
    }
}

/// What switching a message between text and hex did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switched {
    /// The same bytes, written the other way.
    Exact,
    /// The same bytes; escapes were turned on, since some bytes have no plain text form in the
    /// chosen encoding (invalid sequences, control characters).
    EscapesOn,
}

/// Why a message stayed in its mode when asked to switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchProblem {
    /// What is typed does not read in its present mode.
    Invalid(MessageError),
    /// A macro that writes text (`{counter}`, `{time}`) writes UTF-16 in UTF-16 text but one
    /// byte per character in hex, so its bytes would change.
    TextMacroInUtf16,
}

/// One piece of decoded bytes: a character of the encoding, or a byte that is none.
enum Unit {
    Char(char),
    Byte(u8),
}

impl TextEncoding {
    /// The bytes as characters of this encoding, and the bytes that are not.
    fn decode_units(self, bytes: &[u8], out: &mut Vec<Unit>) {
        match self {
            TextEncoding::Utf8 => {
                for chunk in bytes.utf8_chunks() {
                    out.extend(chunk.valid().chars().map(Unit::Char));
                    out.extend(chunk.invalid().iter().map(|&b| Unit::Byte(b)));
                }
            }
            TextEncoding::Latin1 => out.extend(bytes.iter().map(|&b| Unit::Char(char::from(b)))),
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                let little = self == TextEncoding::Utf16Le;
                let pairs = bytes.chunks_exact(2);
                let odd = pairs.remainder().first().copied();
                let units: Vec<u16> = pairs
                    .map(|p| {
                        if little {
                            u16::from_le_bytes([p[0], p[1]])
                        } else {
                            u16::from_be_bytes([p[0], p[1]])
                        }
                    })
                    .collect();
                for decoded in char::decode_utf16(units) {
                    match decoded {
                        Ok(c) => out.push(Unit::Char(c)),
                        Err(e) => {
                            let unit = e.unpaired_surrogate();
                            let raw = if little { unit.to_le_bytes() } else { unit.to_be_bytes() };
                            out.extend(raw.map(Unit::Byte));
                        }
                    }
                }
                out.extend(odd.map(Unit::Byte));
            }
        }
    }
}

/// Whether a character can stand as itself in a text box without escapes.
fn is_plain_char(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t') || !is_invisible(c)
}

pub use crate::show::is_invisible;

/// Writes one character in escaped text.
fn push_escaped(c: char, out: &mut String) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_invisible(c) => out.push_str(&format!("\\u{{{:X}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// Hex text of bytes, `48 65 6C`.
fn hex_text(bytes: &[u8], out: &mut String) {
    for b in bytes {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("{b:02X}"));
    }
}

impl MessageSpec {
    /// Switches between text, hex and file. Between text and hex the message keeps its bytes:
    /// the text becomes its hex digits, or the hex digits become the text they spell in the
    /// chosen encoding (with escapes where a byte has no plain character), macros kept. A
    /// message that cannot keep its bytes stays as it is, and the error says why.
    pub fn switch_mode(&mut self, to: MessageMode) -> Result<Switched, SwitchProblem> {
        let converting = matches!(
            (self.mode, to),
            (MessageMode::Text, MessageMode::Hex) | (MessageMode::Hex, MessageMode::Text)
        );
        if !converting || self.text.is_empty() {
            self.mode = to;
            return Ok(Switched::Exact);
        }
        let template = match self.mode {
            MessageMode::Hex => hex_template(&self.text),
            _ => text_template(&self.text, self.escapes, true, self.encoding),
        }
        .map_err(SwitchProblem::Invalid)?;
        let utf16 = matches!(self.encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be);
        if utf16 && template.parts.iter().any(|p| matches!(p, Part::Macro(m) if m.writes_text())) {
            return Err(SwitchProblem::TextMacroInUtf16);
        }
        let mut parts = template.parts;
        // A UTF-16 text writes its line ending in UTF-16, hex in single bytes: the ending
        // becomes part of the message so that its bytes stay the same.
        if utf16 && self.line_ending != LineEnding::None {
            let from = if self.mode == MessageMode::Hex { TextEncoding::Utf8 } else { self.encoding };
            let mut ending = Vec::new();
            let _ = self.line_ending.text().chars().all(|c| from.push(c, &mut ending));
            parts.push(Part::Bytes(ending));
            self.line_ending = LineEnding::None;
        }
        if to == MessageMode::Hex {
            let mut text = String::new();
            for part in &parts {
                match part {
                    Part::Bytes(bytes) => hex_text(bytes, &mut text),
                    Part::Macro(m) => {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(&format!("{{{}}}", m.source()));
                    }
                }
            }
            self.text = text;
            self.mode = MessageMode::Hex;
            return Ok(Switched::Exact);
        }
        // Hex to text: each run of bytes decoded in the chosen encoding.
        let mut units: Vec<Vec<Unit>> = Vec::with_capacity(parts.len());
        for part in &parts {
            let mut decoded = Vec::new();
            if let Part::Bytes(bytes) = part {
                self.encoding.decode_units(bytes, &mut decoded);
            }
            units.push(decoded);
        }
        let plain = units.iter().flatten().all(|u| matches!(u, Unit::Char(c) if is_plain_char(*c)));
        let switched = if !plain && !self.escapes {
            self.escapes = true;
            Switched::EscapesOn
        } else {
            Switched::Exact
        };
        // Segments of text, each a literal run or a macro; a literal `{` that would start a
        // macro (or a `{{`) is doubled below.
        let mut segments: Vec<(String, bool)> = Vec::with_capacity(parts.len());
        for (part, decoded) in parts.iter().zip(&units) {
            match part {
                Part::Macro(m) => segments.push((format!("{{{}}}", m.source()), true)),
                Part::Bytes(_) => {
                    let mut text = String::new();
                    for unit in decoded {
                        match unit {
                            Unit::Char(c) if self.escapes => push_escaped(*c, &mut text),
                            Unit::Char(c) => text.push(*c),
                            Unit::Byte(b) => text.push_str(&format!("\\x{b:02X}")),
                        }
                    }
                    segments.push((text, false));
                }
            }
        }
        let mut text = String::new();
        for (i, (segment, is_macro)) in segments.iter().enumerate() {
            if *is_macro {
                text.push_str(segment);
                continue;
            }
            let mut chars = segment.char_indices();
            while let Some((at, c)) = chars.next() {
                text.push(c);
                // An escape is copied whole: the brace of `\u{E9}` is the escape's.
                if c == '\\' && self.escapes {
                    if let Some((_, next)) = chars.next() {
                        text.push(next);
                        if next == 'u' {
                            for (_, inside) in chars.by_ref() {
                                text.push(inside);
                                if inside == '}' {
                                    break;
                                }
                            }
                        }
                    }
                    continue;
                }
                if c != '{' {
                    continue;
                }
                let following: Vec<char> = segment[at + 1..]
                    .chars()
                    .chain(segments[i + 1..].iter().flat_map(|(s, _)| s.chars()))
                    .take(MACRO_NAME_MAX + 2)
                    .collect();
                if following.first() == Some(&'{') || macro_at(&following, 0).is_some() {
                    text.push('{');
                }
            }
        }
        self.text = text;
        self.mode = MessageMode::Text;
        Ok(switched)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::transcript::render::escape;

    fn text(text: &str, encoding: TextEncoding) -> MessageSpec {
        MessageSpec { text: text.into(), encoding, ..MessageSpec::default() }
    }

    #[test]
    fn hex_in_every_spelling() {
        for spelling in ["48 65 6C", "48656C", "48:65:6C", "0x48 0x65 0x6c", "48-65-6c\n"] {
            assert_eq!(parse_hex(spelling), Ok(b"Hel".to_vec()), "{spelling}");
        }
        let err = parse_hex("4G").unwrap_err();
        assert_eq!(err.to_string(), "position 2: 'G' is not a hex digit");
        assert_eq!(
            parse_hex("48 6").unwrap_err(),
            MessageError { position: 4, problem: MessageProblem::HalfByte }
        );
        assert_eq!(parse_hex("4 8").unwrap_err().position, 1);
    }

    #[test]
    fn encodings_without_byte_order_marks() {
        let bytes = |spec: MessageSpec| spec.bytes().unwrap().unwrap();
        assert_eq!(bytes(text("añ", TextEncoding::Latin1)), [b'a', 0xF1]);
        assert_eq!(bytes(text("añ", TextEncoding::Utf16Le)), [b'a', 0, 0xF1, 0]);
        assert_eq!(bytes(text("a😀", TextEncoding::Utf16Be)), [0, b'a', 0xD8, 0x3D, 0xDE, 0x00]);
        let err = text("ab漢", TextEncoding::Latin1).bytes().unwrap().unwrap_err();
        assert_eq!(err.to_string(), "position 3: '漢' (U+6F22) has no Latin-1 byte");
        let crlf = MessageSpec { line_ending: LineEnding::Crlf, ..text("hi", TextEncoding::Utf16Le) };
        assert_eq!(bytes(crlf), [b'h', 0, b'i', 0, b'\r', 0, b'\n', 0]);
        let hex = MessageSpec {
            mode: MessageMode::Hex,
            line_ending: LineEnding::Lf,
            ..text("00 ff", TextEncoding::Utf16Le)
        };
        assert_eq!(bytes(hex), [0, 0xFF, b'\n']);
    }

    #[test]
    fn escapes_name_their_position() {
        let escaped = |t: &str| encode_text(t, true, TextEncoding::Utf8);
        assert_eq!(escaped("a\\r\\n\\t\\0\\\\\\xFF\\u{e9}"), Ok(b"a\r\n\t\0\\\xFF\xC3\xA9".to_vec()));
        assert_eq!(escaped("ab\\q").unwrap_err().to_string(), "position 3: unknown escape \\q");
        assert_eq!(escaped("\\x4").unwrap_err().problem, MessageProblem::BadByteEscape);
        assert_eq!(escaped("\\u{110000}").unwrap_err().problem, MessageProblem::BadCharEscape);
        assert_eq!(escaped("x\\").unwrap_err().problem, MessageProblem::LoneBackslash);
        assert_eq!(encode_text("\\q", false, TextEncoding::Utf8), Ok(b"\\q".to_vec()));
        // A byte escape is a byte in every encoding; a character escape is encoded.
        assert_eq!(encode_text("\\xFF\\u{FF}", true, TextEncoding::Utf16Le), Ok(vec![0xFF, 0xFF, 0]));
    }

    #[test]
    fn macros_in_text_and_hex() {
        let hex = MessageSpec {
            mode: MessageMode::Hex,
            ..text("01 03 00 00 00 01 {crc16_modbus}", TextEncoding::Utf8)
        };
        assert_eq!(hex.bytes(), Some(Ok(vec![0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A])));
        assert!(hex.has_macros());
        assert!(matches!(hex.payload(), Some(Ok(Payload::Template(_)))));
        let counted = MessageSpec { escapes: true, ..text("N={counter}\\r\\n", TextEncoding::Utf8) };
        assert_eq!(counted.bytes(), Some(Ok(b"N=1\r\n".to_vec())));
        // `{{` is a brace; braces around what names no macro are text (JSON stays JSON).
        let json = text("{{counter} {\"a\": 1}", TextEncoding::Utf8);
        assert_eq!(json.bytes(), Some(Ok(b"{counter} {\"a\": 1}".to_vec())));
        assert!(!json.has_macros());
        assert!(matches!(json.payload(), Some(Ok(Payload::Bytes(_)))));
        let sum = text("AB{sum8}{xor8}", TextEncoding::Utf8);
        // Each checksum covers every byte before it, an earlier checksum's too.
        assert_eq!(sum.bytes(), Some(Ok(vec![b'A', b'B', 0x83, 0x41 ^ 0x42 ^ 0x83])));
        let bad = MessageSpec { mode: MessageMode::Hex, ..text("01 {nope!}", TextEncoding::Utf8) };
        assert_eq!(bad.bytes().unwrap().unwrap_err().to_string(), "position 4: '{' is not a hex digit");
    }

    /// Switches to hex and back, checking that the bytes stay the same each way.
    fn round_trip(spec: &MessageSpec) -> (MessageSpec, MessageSpec) {
        let before = spec.bytes().unwrap().unwrap();
        let mut hex = spec.clone();
        hex.switch_mode(MessageMode::Hex).unwrap();
        assert_eq!(hex.mode, MessageMode::Hex);
        assert_eq!(hex.bytes().unwrap().unwrap(), before, "to hex: {spec:?} -> {hex:?}");
        let mut back = hex.clone();
        back.switch_mode(MessageMode::Text).unwrap();
        assert_eq!(back.mode, MessageMode::Text);
        assert_eq!(back.bytes().unwrap().unwrap(), before, "back to text: {hex:?} -> {back:?}");
        (hex, back)
    }

    #[test]
    fn text_and_hex_switch_keeping_every_byte() {
        let (hex, back) = round_trip(&text("Hi ñ", TextEncoding::Utf8));
        assert_eq!(hex.text, "48 69 20 C3 B1");
        assert_eq!((back.text.as_str(), back.escapes), ("Hi ñ", false), "plain text stays plain");
        // Every byte 0-255 in every encoding.
        let all: Vec<u8> = (0..=255).collect();
        for encoding in TextEncoding::ALL {
            let mut spec = MessageSpec { mode: MessageMode::Hex, encoding, ..MessageSpec::default() };
            spec.text = {
                let mut t = String::new();
                hex_text(&all, &mut t);
                t
            };
            let mut text_form = spec.clone();
            assert_eq!(text_form.switch_mode(MessageMode::Text), Ok(Switched::EscapesOn), "{encoding:?}");
            assert_eq!(text_form.bytes().unwrap().unwrap(), all, "{encoding:?}: {}", text_form.text);
            round_trip(&text_form);
        }
        // Macros stay macros; braces that are text stay text.
        let modbus = MessageSpec {
            mode: MessageMode::Hex,
            ..text("{counter:u16be:start=0} 00 00 00 06 01 03 00 00 00 01", TextEncoding::Utf8)
        };
        let mut as_text = modbus.clone();
        as_text.switch_mode(MessageMode::Text).unwrap();
        assert!(as_text.text.starts_with("{counter:u16be:start=0}"), "{}", as_text.text);
        assert_eq!(as_text.bytes(), modbus.bytes());
        round_trip(&text("{{counter} {\"a\": 1} {{{{", TextEncoding::Utf8));
        let json = MessageSpec { mode: MessageMode::Hex, ..text("7B 22 61 22 7D", TextEncoding::Utf8) };
        let mut json_text = json.clone();
        json_text.switch_mode(MessageMode::Text).unwrap();
        assert_eq!(json_text.text, "{\"a\"}", "a brace that starts no macro is not doubled");
        // UTF-16 with a line ending: the ending's bytes become part of the message.
        let utf16 = MessageSpec { line_ending: LineEnding::Crlf, ..text("añ", TextEncoding::Utf16Be) };
        round_trip(&utf16);
        let counted = text("n={counter}", TextEncoding::Utf16Le);
        assert_eq!(counted.clone().switch_mode(MessageMode::Hex), Err(SwitchProblem::TextMacroInUtf16));
        let bad = MessageSpec { mode: MessageMode::Hex, ..text("4G", TextEncoding::Utf8) };
        assert!(matches!(bad.clone().switch_mode(MessageMode::Text), Err(SwitchProblem::Invalid(_))));
    }

    /// What each mode means, written the slow and obvious way.
    fn hex_definition(bytes: &[u8], separator: &str, upper: bool) -> String {
        bytes
            .iter()
            .map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") })
            .collect::<Vec<_>>()
            .join(separator)
    }

    proptest! {
        #[test]
        fn hex_reads_any_bytes_in_any_spelling(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            separator in prop::sample::select(vec!["", " ", ":", "-", ", ", "\n"]),
            upper in any::<bool>(),
        ) {
            prop_assert_eq!(parse_hex(&hex_definition(&bytes, separator, upper)), Ok(bytes));
        }

        #[test]
        fn any_bytes_switch_to_text_and_back_unchanged(
            bytes in proptest::collection::vec(any::<u8>(), 1..120),
            encoding in prop::sample::select(TextEncoding::ALL.to_vec()),
        ) {
            let mut spec = MessageSpec { mode: MessageMode::Hex, encoding, ..MessageSpec::default() };
            let mut hex = String::new();
            hex_text(&bytes, &mut hex);
            spec.text = hex;
            prop_assert!(spec.switch_mode(MessageMode::Text).is_ok());
            prop_assert_eq!(spec.bytes().unwrap().unwrap(), bytes.clone());
            prop_assert!(spec.switch_mode(MessageMode::Hex).is_ok());
            prop_assert_eq!(spec.bytes().unwrap().unwrap(), bytes);
        }

        #[test]
        fn escaped_text_of_any_bytes_gives_those_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(encode_text(&escape(&bytes), true, TextEncoding::Utf8), Ok(bytes));
        }

        #[test]
        fn plain_text_is_its_encoding(text in "\\PC{0,60}") {
            prop_assert_eq!(encode_text(&text, false, TextEncoding::Utf8), Ok(text.as_bytes().to_vec()));
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            prop_assert_eq!(encode_text(&text, false, TextEncoding::Utf16Le), Ok(le));
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            prop_assert_eq!(encode_text(&text, false, TextEncoding::Utf16Be), Ok(be));
            let latin: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
            let got = encode_text(&text, false, TextEncoding::Latin1);
            match latin {
                Some(bytes) => prop_assert_eq!(got, Ok(bytes)),
                None => {
                    let first = text.chars().position(|c| u32::from(c) > 0xFF).map(|i| i + 1);
                    prop_assert_eq!(got.map_err(|e| e.position), Err(first.unwrap_or(0)));
                }
            }
        }

        #[test]
        fn a_bad_hex_character_is_named_at_its_position(
            good in "[0-9a-f]{0,10}",
            bad in "[g-zG-Z!?.]",
        ) {
            let even = &good[..good.len() / 2 * 2];
            let text = format!("{even}{bad}");
            let err = parse_hex(&text).map_err(|e| e.position);
            prop_assert_eq!(err, Err(even.chars().count() + 1));
        }
    }
}
