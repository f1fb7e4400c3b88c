//! Showing bytes safely: escaped text, hex, and hex dumps.
//!
//! Any bytes may arrive, so nothing here assumes UTF-8: invalid bytes, and the pieces of a
//! character split across two TCP reads, become `\xNN` in the line that holds them.

use std::fmt::Write;

/// The one rule for showing bytes in a sentence (a failure's reason, a step's verdict):
/// quoted escaped text, as the transcript shows it, when the bytes read as text (valid UTF-8
/// with at most a quarter of its characters controls: `+PONG\r\n`, `ñandú`), and hex when
/// they do not (a binary frame). `cut` adds `…` for bytes left out.
pub fn shown(bytes: &[u8], cut: bool) -> String {
    let more = if cut { "…" } else { "" };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        // A character cut at the end of what is shown is still text.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    let readable = text.is_some_and(|t| {
        let controls = t.chars().filter(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t')).count();
        controls * 4 <= t.chars().count()
    });
    if readable || bytes.is_empty() {
        format!("\"{}{more}\"", escape(bytes))
    } else {
        format!("{}{more}", hex(bytes))
    }
}

/// Escapes bytes for a one-line display, between quotes. Valid UTF-8 prints as itself, except
/// controls, the backslash and the quote: `\n`, `\r`, `\t`, `\0` (`\x00` before a digit),
/// `\\`, `\"`, `\xNN` (C0 and DEL), `\u{NN}` (C1, invisible and combining characters).
/// Invalid bytes print as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    // Into a buffer of bytes: runs of printable ASCII are copied at once, and a byte at or above
    // 0x80 is decoded only when it can start a character. Binary payloads are mostly invalid
    // bytes, so those take the shortest path.
    // At most 4 bytes out per byte in (`\xNN`): one allocation, never a copy while growing.
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() * 4);
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().position(|&b| !is_plain(b)).unwrap_or(bytes.len() - i);
        out.extend_from_slice(&bytes[i..i + run]);
        i += run;
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            if b == 0 && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                // `\01` would read as an octal escape elsewhere: say the byte plainly.
                push_hex_escape(0, &mut out);
            } else {
                push_ascii_escape(b, &mut out);
            }
            i += 1;
            continue;
        }
        match char_at(&bytes[i..]) {
            Some(c) if is_invisible(c) => {
                let _ = write!(VecWriter(&mut out), "\\u{{{:X}}}", c as u32);
                i += c.len_utf8();
            }
            Some(c) => {
                out.extend_from_slice(&bytes[i..i + c.len_utf8()]);
                i += c.len_utf8();
            }
            None => {
                push_hex_escape(b, &mut out);
                i += 1;
            }
        }
    }
    // Only ASCII and whole characters of valid UTF-8 were written.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The character that starts `bytes` (its first byte at or above 0x80), if it is valid UTF-8.
fn char_at(bytes: &[u8]) -> Option<char> {
    let width = match bytes.first()? {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None, // a continuation byte, or a byte UTF-8 never uses
    };
    // Most random bytes fail here, before any decoding.
    if !bytes.get(1).is_some_and(|b| (0x80..0xC0).contains(b)) {
        return None;
    }
    std::str::from_utf8(bytes.get(..width)?).ok()?.chars().next()
}

/// Printable ASCII that stands for itself: everything from space to '~' but the backslash.
fn is_plain(b: u8) -> bool {
    (0x20..0x7F).contains(&b) && b != b'\\' && b != b'"'
}

use crate::spec::message::is_invisible;

fn push_ascii_escape(b: u8, out: &mut Vec<u8>) {
    match b {
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'"' => out.extend_from_slice(b"\\\""),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0 => out.extend_from_slice(b"\\0"),
        _ => push_hex_escape(b, out),
    }
}

/// `\xNN`, without the formatting machinery: binary payloads are mostly these.
fn push_hex_escape(b: u8, out: &mut Vec<u8>) {
    out.extend_from_slice(&[b'\\', b'x', HEX_DIGITS[usize::from(b >> 4)], HEX_DIGITS[usize::from(b & 15)]]);
}

/// `write!` into a byte buffer.
struct VecWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

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
    hex_dump_marked(bytes, &[]).into_iter().map(|(text, _)| text).collect()
}

/// [`hex_dump`] as runs of text, each saying whether it shows bytes within `marked` (byte
/// ranges, such as a search's matches): both a marked byte's hex and its ASCII are marked.
pub fn hex_dump_marked(bytes: &[u8], marked: &[std::ops::Range<usize>]) -> Vec<(String, bool)> {
    let is_marked = |at: usize| marked.iter().any(|r| r.contains(&at));
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut push = |text: &str, mark: bool| match runs.last_mut() {
        Some((last, m)) if *m == mark => last.push_str(text),
        _ => runs.push((text.to_string(), mark)),
    };
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let base = row * 16;
        push(&format!("{base:08X}  "), false);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let mark = is_marked(base + i);
                    push(&format!("{b:02X}"), mark);
                    // The space between two marked bytes is marked too, so a match reads as one.
                    let next = i + 1 < chunk.len() && i != 7 && is_marked(base + i + 1);
                    push(" ", mark && next);
                }
                None => push("   ", false),
            }
            if i == 7 {
                push(" ", false);
            }
        }
        push(" ", false);
        for (i, &b) in chunk.iter().enumerate() {
            let c = if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' };
            push(c.encode_utf8(&mut [0; 4]), is_marked(base + i));
        }
        push("\n", false);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_a_sentence_are_text_when_they_read_as_text_and_hex_otherwise() {
        assert_eq!(shown(b"+PONG\r\n", false), "\"+PONG\\r\\n\"");
        assert_eq!(shown("ñandú".as_bytes(), false), "\"ñandú\"", "accents are text, not binary");
        assert_eq!(shown(b"\r\n", false), "\"\\r\\n\"");
        assert_eq!(shown(&[0, 1, 2, 0xFF], false), "00 01 02 FF");
        assert_eq!(shown(&"é".as_bytes()[..1], true), "\"\\xC3…\"", "a character cut by the limit");
        assert_eq!(shown(b"", false), "\"\"");
    }

    #[test]
    fn escapes_controls_and_invalid_bytes() {
        assert_eq!(escape(b"a\nb\r\t\\\0"), "a\\nb\\r\\t\\\\\\0");
        assert_eq!(escape(&[0x41, 0xFF, 0x00, 0x7F, 0x1B]), "A\\xFF\\0\\x7F\\x1B");
        assert_eq!(escape("repetirá.".as_bytes()), "repetirá.");
        assert_eq!(escape("\u{202E}x".as_bytes()), "\\u{202E}x");
    }

    #[test]
    fn a_marked_dump_marks_the_bytes_in_hex_and_ascii() {
        let data = b"Este es el mensaje.";
        let mensaje = std::ops::Range { start: 11, end: 18 };
        let runs = hex_dump_marked(data, std::slice::from_ref(&mensaje));
        let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text, hex_dump(data));
        let marked: Vec<&str> = runs.iter().filter(|(_, m)| *m).map(|(t, _)| t.as_str()).collect();
        // "mensaje" is bytes 11 to 17: 6D 65 6E 73 61 (row 1 ends after byte 15), 6A 65, and the ASCII.
        assert_eq!(marked, ["6D 65 6E 73 61", "mensa", "6A 65", "je"]);
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

/// Reads escapes (`\n \r \t \0 \\ \xNN \u{N}`) in UTF-8 text: the inverse of [`escape`]. The
/// message editor's parser ([`crate::spec::message::encode_text`]) does the work.
pub fn unescape(text: &str) -> Result<Vec<u8>, crate::spec::MessageError> {
    crate::spec::message::encode_text(text, true, crate::spec::TextEncoding::Utf8)
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
        fn escape_matches_the_char_by_char_definition(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            prop_assert_eq!(escape(&bytes), escape_by_chars(&bytes));
        }

        #[test]
        fn escape_matches_on_text_with_controls_and_invisibles(
            text in "[a-z \\\\\n\t\u{0}\u{7f}\u{85}\u{200b}\u{202e}\u{feff}áé€😀]{0,64}"
        ) {
            prop_assert_eq!(escape(text.as_bytes()), escape_by_chars(text.as_bytes()));
        }

        #[test]
        fn unescape_never_panics(text in ".{0,64}") {
            let _ = unescape(&text);
        }
    }

    /// The definition `escape` must keep: UTF-8 chunk by chunk, char by char.
    fn escape_by_chars(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.utf8_chunks() {
            let mut chars = chunk.valid().chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\0' if chars.peek().is_some_and(char::is_ascii_digit) => out.push_str("\\x00"),
                    '\0' => out.push_str("\\0"),
                    c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                        out.push_str(&format!("\\x{:02X}", c as u32))
                    }
                    c if is_invisible(c) => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
                    c => out.push(c),
                }
            }
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }

    #[test]
    fn unescape_reports_bad_escapes() {
        let text = |r: Result<Vec<u8>, crate::spec::MessageError>| r.map_err(|e| e.to_string());
        assert_eq!(text(unescape("a\\x4")), Err("position 2: \\x needs two hex digits".into()));
        assert_eq!(text(unescape("\\q")), Err("position 1: unknown escape \\q".into()));
        assert_eq!(unescape("\\x00\\xffá"), Ok(vec![0, 0xFF, 0xC3, 0xA1]));
    }

    #[test]
    fn quotes_nul_before_a_digit_and_invisible_characters_are_escaped() {
        assert_eq!(escape(b"say \"hi\""), "say \\\"hi\\\"");
        assert_eq!(escape(b"\x001"), "\\x001");
        assert_eq!(escape(b"\x00a"), "\\0a");
        assert_eq!(escape("a\u{2028}b e\u{301}".as_bytes()), "a\\u{2028}b e\\u{301}");
        assert_eq!(unescape(&escape(b"\"\x001")), Ok(b"\"\x001".to_vec()));
    }
}
