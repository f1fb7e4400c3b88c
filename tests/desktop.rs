//! The desktop entry: it validates, and `scripts/install-desktop.sh` puts it and the icons in
//! a user's home folder and takes them out again. Runs in a fresh temporary home.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::process::Command;

const SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_desktop_file_validates_and_names_an_icon_that_exists_at_every_size() {
    let out = Command::new("desktop-file-validate")
        .arg(root().join("assets/socket-tester.desktop"))
        .output()
        .expect("desktop-file-validate runs (scripts/test.sh installs desktop-file-utils)");
    assert!(out.status.success() && out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    for size in SIZES {
        let png = std::fs::read(root().join(format!("assets/icons/socket-tester-{size}.png"))).unwrap();
        // A PNG's IHDR holds its width and height at bytes 16..24.
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (size, size));
    }
}

#[test]
fn the_install_script_installs_into_a_home_folder_and_uninstalls() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("bash")
            .arg(root().join("scripts/install-desktop.sh"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = run(&[]);
    let data = home.path().join(".local/share");
    let entry = data.join("applications/socket-tester.desktop");
    assert!(said.contains(&entry.display().to_string()), "{said}");
    let out = Command::new("desktop-file-validate").arg(&entry).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(data.join("icons/hicolor/scalable/apps/socket-tester.svg").is_file());
    for size in SIZES {
        assert!(data.join(format!("icons/hicolor/{size}x{size}/apps/socket-tester.png")).is_file(), "{size}");
    }
    // The .jsonl type, so that "Open with" lists the app (the entry's MimeType names it).
    let mime = data.join("mime/packages/socket-tester.xml");
    let xml = std::fs::read_to_string(&mime).unwrap();
    assert!(xml.contains("type=\"application/jsonl\"") && xml.contains("pattern=\"*.jsonl\""), "{xml}");
    let entry_text = std::fs::read_to_string(&entry).unwrap();
    assert!(entry_text.contains("MimeType=application/jsonl;"), "{entry_text}");
    if Command::new("xmllint").arg("--version").output().is_ok() {
        let out = Command::new("xmllint").arg("--noout").arg(&mime).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    run(&["--uninstall"]);
    assert!(!entry.exists());
    assert!(!mime.exists());
    assert!(!data.join("icons/hicolor/48x48/apps/socket-tester.png").exists());
    let bad = Command::new("bash")
        .arg(root().join("scripts/install-desktop.sh"))
        .arg("--bogus")
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
