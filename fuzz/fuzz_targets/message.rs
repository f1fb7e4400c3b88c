//! Message bytes from the command line: `-e` escapes (`unescape`), their display (`escape`),
//! and the whole argument parser. Escaped display must read back to the same bytes.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use socket_tester::cli::Cli;
use socket_tester::transcript::render::{escape, unescape};

fuzz_target!(|data: &[u8]| {
    // Any bytes, shown escaped, read back exactly.
    let shown = escape(data);
    assert_eq!(unescape(&shown).as_deref(), Ok(data), "{shown:?}");
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = unescape(text);
    // The same text as command-line arguments, split at NULs.
    let args = std::iter::once("socket-tester").chain(text.split('\0'));
    let _ = Cli::try_parse_from(args);
});
