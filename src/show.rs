//! Showing bytes safely: escaped text, hex, and hex dumps. At the bottom of the crate (it
//! imports nothing of it), so the engine, the transcript and the views share one copy.
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

/// C1 controls, line and paragraph separators, bidi overrides, zero-width and other invisible
/// characters, and combining marks (which would fuse with the quote before them) would make a
/// line lie about its content; they show by code point.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c as u32,
            0x00AD
                | 0x0300..=0x036F
                | 0x180E
                | 0x1AB0..=0x1AFF
                | 0x1DC0..=0x1DFF
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x2069
                | 0x20D0..=0x20FF
                | 0xFE00..=0xFE0F
                | 0xFE20..=0xFE2F
                | 0xFEFF
        )
}

/// Lower-case hex without separators, for the files (vectorised).
pub fn compact_hex(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}

/// Hex digits (either case) back into bytes; `None` unless they come in pairs.
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    const_hex::decode(text).ok()
}

/// Bytes as compact hex in files (`"hex": "4f4b"`), for serde's `with`.
pub mod hex_field {
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the bytes as hex.
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::compact_hex(bytes))
    }

    /// Reads hex back into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        super::parse_hex(&text).ok_or_else(|| serde::de::Error::custom("hex must be pairs of hex digits"))
    }

    /// Reads the optional `hex` of schema version 1's lines.
    pub fn deserialize_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
        deserialize(d).map(|bytes| Some(Bytes::from(bytes)))
    }
}
