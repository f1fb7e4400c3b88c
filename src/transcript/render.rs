//! Showing bytes safely: escaped text, hex, and hex dumps.
//!
//! Any bytes may arrive, so nothing here assumes UTF-8. A UTF-8 character split across two
//! TCP reads is carried over by [`StreamText`] and shown whole in the line that completes it,
//! never as two garbage escapes; invalid bytes become `\xNN`.

use std::fmt::Write;

/// Escapes bytes for a one-line display. Valid UTF-8 prints as itself, except controls and
/// the backslash: `\n`, `\r`, `\t`, `\0`, `\\`, `\xNN` (C0 and DEL), `\u{NN}` (C1 and other
/// invisible characters). Invalid bytes print as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape_char(c, &mut out);
        }
        for &b in chunk.invalid() {
            push_byte_escape(b, &mut out);
        }
    }
    out
}

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

/// `\xNN`, without the formatting machinery: binary payloads are mostly these.
fn push_byte_escape(b: u8, out: &mut String) {
    out.push('\\');
    out.push('x');
    out.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
    out.push(char::from(HEX_DIGITS[usize::from(b & 15)]));
}

fn escape_char(c: char, out: &mut String) {
    match c {
        ' '..='~' if c != '\\' => out.push(c),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c if (c as u32) < 0x20 || c as u32 == 0x7F => push_byte_escape(c as u8, out),
        // C1 controls, bidi overrides and zero-width characters would make a line lie about
        // its content; show them by code point.
        c if c.is_control()
            || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0xFEFF) =>
        {
            let _ = write!(out, "\\u{{{:X}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// Bytes as two-digit upper-case hex, separated by spaces.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        out.push(char::from(HEX_DIGITS[usize::from(b & 15)]));
    }
    out
}

/// A classic hex dump: offset, 16 bytes of hex, and their printable ASCII.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08X}  ", row * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02X} ");
                }
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for &b in chunk {
            out.push(if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' });
        }
        out.push('\n');
    }
    out
}

/// Renders successive reads of one byte stream as text, carrying an incomplete UTF-8
/// character from one read into the next.
#[derive(Debug, Default, Clone)]
pub struct StreamText {
    carry: Vec<u8>,
}

impl StreamText {
    /// Renders one read. The returned text holds every complete character up to the end of
    /// this read; the start of a character cut at the end waits for the next read.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(bytes);
        let keep = incomplete_tail(&joined);
        self.carry = joined.split_off(joined.len() - keep);
        escape(&joined)
    }

    /// Ends the stream: anything still carried was never completed, and shows as escapes.
    pub fn finish(&mut self) -> String {
        escape(&std::mem::take(&mut self.carry))
    }
}

/// How many bytes at the end of `bytes` start a UTF-8 character that is not complete yet.
pub(crate) fn incomplete_tail(bytes: &[u8]) -> usize {
    let start = bytes.len().saturating_sub(3);
    for i in (start..bytes.len()).rev() {
        let b = bytes[i];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the lead byte
        }
        let need = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return 0,
        };
        let have = bytes.len() - i;
        let valid_so_far = std::str::from_utf8(&bytes[i..]).err().is_some_and(|e| e.error_len().is_none());
        return if have < need && valid_so_far { have } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invalid_bytes() {
        assert_eq!(escape(b"a\nb\r\t\\\0"), "a\\nb\\r\\t\\\\\\0");
        assert_eq!(escape(&[0x41, 0xFF, 0x00, 0x7F, 0x1B]), "A\\xFF\\0\\x7F\\x1B");
        assert_eq!(escape("repetirá.".as_bytes()), "repetirá.");
        assert_eq!(escape("\u{202E}x".as_bytes()), "\\u{202E}x");
    }

    #[test]
    fn a_character_split_across_reads_shows_whole() {
        let message = "123456789012345á".as_bytes();
        assert_eq!(message.len(), 17);
        let mut text = StreamText::default();
        assert_eq!(text.push(&message[..16]), "123456789012345");
        assert_eq!(text.push(&message[16..]), "á");
        assert_eq!(text.finish(), "");
    }

    #[test]
    fn an_unfinished_character_shows_as_escapes_at_the_end() {
        let mut text = StreamText::default();
        assert_eq!(text.push(&[b'a', 0xE2, 0x82]), "a");
        assert_eq!(text.finish(), "\\xE2\\x82");
        // A lead byte followed by something that is not a continuation is invalid at once.
        assert_eq!(StreamText::default().push(&[0xC3, b'a']), "\\xC3a");
    }

    #[test]
    fn four_byte_characters_split_every_way() {
        let emoji = "😀".as_bytes();
        for cut in 1..emoji.len() {
            let mut text = StreamText::default();
            let first = text.push(&emoji[..cut]);
            let second = text.push(&emoji[cut..]);
            assert_eq!((first.as_str(), second.as_str()), ("", "😀"), "cut at {cut}");
        }
    }

    #[test]
    fn hex_and_dump() {
        assert_eq!(hex(&[0, 0xFF, 0x41]), "00 FF 41");
        let dump = hex_dump(b"Este es el mensaje.");
        assert_eq!(
            dump,
            "00000000  45 73 74 65 20 65 73 20  65 6C 20 6D 65 6E 73 61  Este es el mensa\n\
             00000010  6A 65 2E                                          je.\n"
        );
    }
}

/// Reads the escapes that [`escape`] writes (`\n \r \t \0 \\ \xNN \u{N}`) back into bytes,
/// so that a user can type any payload as text. Any other backslash sequence is an error
/// naming its position.
pub fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((pos, c)) = chars.next() {
        if c != '\\' {
            let mut utf8 = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            continue;
        }
        match chars.next().map(|(_, c)| c) {
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let digits: String = (0..2).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                match u8::from_str_radix(&digits, 16) {
                    Ok(b) if digits.len() == 2 => out.push(b),
                    _ => return Err(format!("at character {pos}: \\x needs two hex digits")),
                }
            }
            Some('u') => {
                if chars.next().map(|(_, c)| c) != Some('{') {
                    return Err(format!("at character {pos}: write \\u{{HEX}}"));
                }
                let mut digits = String::new();
                loop {
                    match chars.next().map(|(_, c)| c) {
                        Some('}') => break,
                        Some(d) if d.is_ascii_hexdigit() && digits.len() < 6 => digits.push(d),
                        _ => {
                            return Err(format!(
                                "at character {pos}: write \\u{{HEX}} with 1 to 6 hex digits"
                            ));
                        }
                    }
                }
                let c = u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32);
                let Some(c) = c else {
                    return Err(format!("at character {pos}: \\u{{{digits}}} is not a character"));
                };
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            Some(other) => return Err(format!("at character {pos}: unknown escape \\{other}")),
            None => return Err(format!("at character {pos}: a lone backslash ends the text")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod roundtrip {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn unescape_reverses_escape(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            prop_assert_eq!(unescape(&escape(&bytes)), Ok(bytes));
        }

        #[test]
        fn unescape_never_panics(text in ".{0,64}") {
            let _ = unescape(&text);
        }
    }

    #[test]
    fn unescape_reports_bad_escapes() {
        assert_eq!(unescape("a\\x4"), Err("at character 1: \\x needs two hex digits".into()));
        assert_eq!(unescape("\\q"), Err("at character 0: unknown escape \\q".into()));
        assert_eq!(unescape("\\x00\\xffá"), Ok(vec![0, 0xFF, 0xC3, 0xA1]));
    }
}
