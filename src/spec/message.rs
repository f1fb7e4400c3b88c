//! The message editor's meaning: text (with or without escapes) or hex, a line ending, a text
//! encoding, or a file. One parser for the window and the command line, with errors that name
//! the character by its 1-based position.

use std::path::PathBuf;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::engine::Payload;

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

/// One piece of parsed text: a character to encode, or a byte given as `\xNN`.
enum Piece {
    Char(char),
    Byte(u8),
}

/// Reads text with escapes into characters and raw bytes. Positions count characters from 1.
fn pieces(text: &str, escapes: bool) -> Result<Vec<(usize, Piece)>, MessageError> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().enumerate().map(|(i, c)| (i + 1, c)).peekable();
    while let Some((pos, c)) = chars.next() {
        if !escapes || c != '\\' {
            out.push((pos, Piece::Char(c)));
            continue;
        }
        let err = |problem| MessageError { position: pos, problem };
        let piece = match chars.next().map(|(_, c)| c) {
            Some('n') => Piece::Char('\n'),
            Some('r') => Piece::Char('\r'),
            Some('t') => Piece::Char('\t'),
            Some('0') => Piece::Char('\0'),
            Some('\\') => Piece::Char('\\'),
            Some('x') => {
                let digits: String = (0..2)
                    .filter_map(|_| chars.next_if(|(_, c)| c.is_ascii_hexdigit()))
                    .map(|(_, c)| c)
                    .collect();
                match u8::from_str_radix(&digits, 16) {
                    Ok(b) if digits.len() == 2 => Piece::Byte(b),
                    _ => return Err(err(MessageProblem::BadByteEscape)),
                }
            }
            Some('u') => {
                if chars.next().map(|(_, c)| c) != Some('{') {
                    return Err(err(MessageProblem::BadCharEscape));
                }
                let mut digits = String::new();
                loop {
                    match chars.next().map(|(_, c)| c) {
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

/// Text to bytes: escapes read (if asked), characters encoded, `\xNN` bytes kept as they are.
pub fn encode_text(text: &str, escapes: bool, encoding: TextEncoding) -> Result<Vec<u8>, MessageError> {
    let mut out = Vec::with_capacity(text.len());
    for (position, piece) in pieces(text, escapes)? {
        match piece {
            Piece::Byte(b) => out.push(b),
            Piece::Char(ch) => {
                if !encoding.push(ch, &mut out) {
                    return Err(MessageError {
                        position,
                        problem: MessageProblem::Unencodable { ch, encoding },
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Hex digits to bytes. Spaces, tabs, new lines, `:`, `-` and `,` may separate bytes; a `0x`
/// before a byte is allowed.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, MessageError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<(usize, u8)> = None;
    let chars: Vec<char> = text.chars().collect();
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
                Some((_, h)) => out.push(h << 4 | digit as u8),
                None => high = Some((pos, digit as u8)),
            }
            continue;
        }
        if c.is_whitespace() || matches!(c, ':' | '-' | ',') {
            if let Some((start, _)) = high {
                return Err(MessageError { position: start, problem: MessageProblem::HalfByte });
            }
            continue;
        }
        return Err(MessageError { position: pos, problem: MessageProblem::NotHexDigit(c) });
    }
    if let Some((start, _)) = high {
        return Err(MessageError { position: start, problem: MessageProblem::HalfByte });
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
    /// The exact bytes of a text or hex message, line ending included. `None` in file mode,
    /// whose bytes are read only as they are sent.
    pub fn bytes(&self) -> Option<Result<Vec<u8>, MessageError>> {
        let mut bytes = match self.mode {
            MessageMode::Text => encode_text(&self.text, self.escapes, self.encoding),
            MessageMode::Hex => parse_hex(&self.text),
            MessageMode::File => return None,
        };
        if let Ok(bytes) = &mut bytes {
            // The line ending is plain ASCII, which every encoding here can hold.
            let _ = self.line_ending.text().chars().all(|c| self.encoding_for_ending().push(c, bytes));
        }
        Some(bytes)
    }

    /// Hex bytes take their line ending as single bytes; text takes it in its encoding.
    fn encoding_for_ending(&self) -> TextEncoding {
        match self.mode {
            MessageMode::Text => self.encoding,
            MessageMode::Hex | MessageMode::File => TextEncoding::Utf8,
        }
    }

    /// What the engine sends (call after validation). `None` when file mode has no file.
    pub fn payload(&self) -> Option<Result<Payload, MessageError>> {
        match self.mode {
            MessageMode::File => self.file.clone().map(|path| Ok(Payload::File(path))),
            _ => self.bytes().map(|r| r.map(|b| Payload::Bytes(Bytes::from(b)))),
        }
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
