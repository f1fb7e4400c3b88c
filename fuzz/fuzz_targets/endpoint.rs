//! Host-and-port input as a user types it: `Endpoint::parse`, `parse_host`, `parse_port`.
//! Whatever parses must print back to text that parses to the same endpoint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socket_tester::engine::Endpoint;
use socket_tester::engine::endpoint::{parse_host, parse_port};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_port(text);
    let _ = parse_host(text);
    if let Ok(endpoint) = Endpoint::parse(text, 10_000) {
        let again = Endpoint::parse(&endpoint.to_string(), 1);
        assert_eq!(again.as_ref().ok(), Some(&endpoint), "{text:?} -> {endpoint} does not parse back");
        let _ = endpoint.check_client_target();
        let _ = endpoint.is_localhost();
    }
});
