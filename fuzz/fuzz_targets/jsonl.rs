//! Reopening a saved transcript: `.jsonl` import. Whatever reads must write back and read
//! again to the same records, turn into events, and save in every format without panicking.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use socket_tester::engine::Protocol;
use socket_tester::transcript::export::{Format, read_jsonl_from, write_records};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.jsonl");
    let Ok(records) = read_jsonl_from(data, path) else { return };
    for record in &records {
        let _ = record.to_event();
        let _ = record.text();
    }
    // Every other format takes whatever was imported, too; pcap may refuse a time it cannot
    // hold (after 2106), with words, but nothing panics.
    for format in [Format::Txt, Format::Csv, Format::Pcap] {
        for protocol in [Protocol::Tcp, Protocol::Udp] {
            let mut sink = Vec::new();
            if let Err(err) = write_records(format, &records, protocol, &mut sink) {
                assert!(format == Format::Pcap && err.to_string().starts_with("pcap holds times"), "{err}");
            }
        }
    }
    let mut out = Vec::new();
    write_records(Format::Jsonl, &records, Protocol::Tcp, &mut out).expect("writing to memory");
    let again = read_jsonl_from(out.as_slice(), path).expect("what we write reads back");
    assert_eq!(again, records);
});
