//! Showing bytes ([`crate::show`], re-exported here for the transcript's users) and reading
//! escapes back, with the message editor's parser.

pub use crate::show::{escape, hex, hex_dump, hex_dump_marked, is_invisible, shown};

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
