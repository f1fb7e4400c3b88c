//! Broadcast and multicast between two network namespaces the test makes (`unshare -n`, a
//! veth pair, private addresses that exist only inside them): IPv4 and IPv6 groups, two
//! responders, a reply count, broadcast, and a responder that leaves its group.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::process::Command;

use common::BIN;

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| format!("{name}: {e}"))
}

#[test]
fn two_responders_answer_v4_and_v6_groups_and_broadcast_and_one_leaves() {
    if !common::root_or_skip(
        "two_responders_answer_v4_and_v6_groups_and_broadcast_and_one_leaves",
        "unshare -n and veth pairs",
    ) {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/netns/two_responders.sh");
    let status = Command::new("timeout")
        .args(["60", "unshare", "-n"])
        .arg(&script)
        .arg(BIN)
        .arg(out.path())
        .status()
        .expect("unshare and timeout are installed");
    let dir = out.path();
    let all = || {
        [
            "v4.out",
            "v6.out",
            "broadcast.out",
            "first.out",
            "after.out",
            "a4.log",
            "b4.log",
            "a6.log",
            "b6.log",
        ]
        .iter()
        .map(|n| format!("== {n}\n{}", read(dir, n)))
        .collect::<Vec<_>>()
        .join("\n")
    };
    assert!(status.success(), "the namespaces could not be made: {}", all());

    let v4 = read(dir, "v4.out");
    assert!(
        v4.contains("← 10.99.0.1:5000 5 B \"hola4\"") && v4.contains("← 10.99.0.2:5000 5 B \"hola4\""),
        "{}",
        all()
    );
    assert!(v4.contains("2 replies from 2 responders to 239.1.2.3:5000"), "{}", all());
    assert!(v4.contains("IP_MULTICAST_TTL 2"), "the TTL asked for is set: {v4}");
    assert!(v4.contains("1 of 1 echoes ok") && !v4.contains("exit "), "{v4}");

    let v6 = read(dir, "v6.out");
    assert!(v6.contains("← [fd99::1]:5000") && v6.contains("← [fd99::2]:5000"), "{}", all());
    assert!(v6.contains("2 replies from 2 responders to [ff15::1234]:5000"), "{v6}");

    let broadcast = read(dir, "broadcast.out");
    assert!(broadcast.contains("SO_BROADCAST on"), "{broadcast}");
    assert!(broadcast.contains("2 replies from 2 responders to 10.99.0.255:5000"), "{}", all());

    let first = read(dir, "first.out");
    assert!(
        first.contains("1 reply from 1 responder") && !first.contains("exit "),
        "--replies 1 stops at the first: {first}"
    );

    // A responder bound to every address names the group a datagram came to, not 0.0.0.0.
    let a4 = read(dir, "a4.log");
    assert!(a4.contains("to 239.1.2.3:5000"), "{a4}");
    assert!(!a4.contains("to 0.0.0.0"), "{a4}");
    assert!(read(dir, "a6.log").contains("to [ff15::1234]:5000"), "{}", all());
    assert!(read(dir, "b4.log").contains("Left the multicast group 239.1.2.3"), "{}", all());
    let after = read(dir, "after.out");
    assert!(after.contains("1 reply from 1 responder") && after.contains("← 10.99.0.1:5000"), "{}", all());
    assert!(!after.contains("10.99.0.2"), "the responder that left is silent: {after}");
}

#[test]
fn a_group_that_is_not_multicast_or_an_unknown_interface_is_named() {
    let out = Command::new(BIN)
        .args(["serve", "udp", "--bind", "127.0.0.1:0", "--join", "10.1.2.3"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--join 10.1.2.3: not a multicast group"), "{stderr}");

    let out = Command::new(BIN)
        .args(["serve", "udp", "--bind", "127.0.0.1:0", "--join", "239.1.2.3", "--iface", "nosuch0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("join multicast group 239.1.2.3: no network interface \"nosuch0\""), "{stderr}");

    let out = Command::new(BIN).args(["serve", "tcp", "--join", "239.1.2.3"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("multicast and broadcast are UDP's"), "{stderr}");
}
