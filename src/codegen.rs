//! The Python program that does what a session does, in the style of the tutorial Socket
//! Tester grew from (`socket`, `bind`, `listen`, `accept`, `connect`, `sendall`, `recv`,
//! `sendto`, `recvfrom`, `close`), with its comments and messages in the window's language.
//!
//! Unlike the tutorial's programs, these count bytes rather than characters, decode text
//! across reads (a character split between two `recv(16)` is printed whole), survive a reset,
//! time out instead of waiting forever, and work with IPv6 as well as IPv4. The client exits
//! with 1 when an echo differs or never comes. Generated from the [`SessionSpec`], the one
//! description the window and the command line share.

use std::fmt::Write as _;

use crate::engine::Protocol;
use crate::i18n::{Language, Tr};
use crate::spec::{MessageMode, Role, SessionSpec, TlsSpec, Verify};
use crate::t;

/// The program, or why there is none.
pub fn python(spec: &SessionSpec, tr: &Tr) -> Result<String, String> {
    let es = tr.language() == Language::Spanish;
    let message = match spec.message.mode {
        MessageMode::File => None,
        _ => spec.message.bytes().and_then(Result::ok),
    };
    if spec.role == Role::Client && message.is_none() {
        return Err(t!(tr, "code-no-message"));
    }
    // A relay, and a server that joins multicast groups, have no program of their own yet:
    // an echo server's would mislead.
    if spec.role == Role::Server && spec.relay.enabled {
        return Err(t!(tr, "code-no-relay"));
    }
    if spec.role == Role::Server && spec.protocol == Protocol::Udp && !spec.group.join.trim().is_empty() {
        return Err(t!(tr, "code-no-groups"));
    }
    let host = if spec.role == Role::Server && spec.all_interfaces { "0.0.0.0" } else { spec.host.trim() };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut out = String::new();
    let kind = match (spec.role, spec.protocol) {
        (Role::Client, Protocol::Tcp) => t!(tr, "code-kind-tcp-client"),
        (Role::Server, Protocol::Tcp) => t!(tr, "code-kind-tcp-server"),
        (Role::Client, Protocol::Udp) => t!(tr, "code-kind-udp-client"),
        (Role::Server, Protocol::Udp) => t!(tr, "code-kind-udp-server"),
    };
    let header = t!(tr, "code-header", kind = kind);
    let mut chars = header.chars();
    let header: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    let _ = writeln!(out, "# {header}");
    for line in t!(tr, "code-fixes").lines() {
        let _ = writeln!(out, "# {line}");
    }
    let tls = spec.protocol == Protocol::Tcp && spec.tls.enabled;
    let pinned = tls && spec.role == Role::Client && spec.tls.verify == Verify::Pin;
    if pinned {
        out.push_str("import hashlib\n");
    }
    out.push_str("import socket\n");
    if tls {
        out.push_str("import ssl\n");
    }
    out.push_str("import sys\n");
    if spec.protocol == Protocol::Tcp {
        out.push_str("import codecs\n");
    }
    out.push('\n');
    let _ = writeln!(out, "HOST = {}", py_str(host));
    let _ = writeln!(out, "PORT = {}", spec.port);
    let _ = writeln!(out, "CHUNK = {}  # {}", spec.chunk_bytes(), t!(tr, "code-chunk"));
    if spec.role == Role::Client {
        let _ = writeln!(out, "MESSAGE = {}", py_message(message.as_deref().unwrap_or_default()));
        let count = if spec.plan.until_stopped { 1 } else { spec.plan.count.max(1) };
        let _ = writeln!(out, "COUNT = {count}");
        let _ = writeln!(out, "TIMEOUT = {}  # {}", seconds(spec.timeout_ms), t!(tr, "code-timeout"));
    }
    if tls {
        tls_constants(&mut out, spec, host, tr);
    }
    out.push('\n');
    let body = match (spec.role, spec.protocol) {
        (Role::Client, Protocol::Tcp) => tcp_client(tr, es, tls.then_some(&spec.tls)),
        (Role::Server, Protocol::Tcp) => tcp_server(tr, es, tls.then_some(&spec.tls)),
        (Role::Client, Protocol::Udp) => udp_client(tr, es),
        (Role::Server, Protocol::Udp) => udp_server(tr, es),
    };
    out.push_str(&body);
    Ok(wrap_comments(&out, 88))
}

/// Comment lines longer than `width` characters, wrapped at spaces with their indent kept.
fn wrap_comments(code: &str, width: usize) -> String {
    let mut out = String::with_capacity(code.len() + 256);
    for line in code.lines() {
        let indent = line.len() - line.trim_start().len();
        let is_comment = line.trim_start().starts_with("# ");
        if !is_comment || line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let prefix = format!("{}# ", &line[..indent]);
        let mut current = prefix.clone();
        for word in line.trim_start()[2..].split(' ') {
            if current.chars().count() + word.chars().count() > width && current.len() > prefix.len() {
                out.push_str(current.trim_end());
                out.push('\n');
                current = prefix.clone();
            }
            current.push_str(word);
            current.push(' ');
        }
        out.push_str(current.trim_end());
        out.push('\n');
    }
    out
}

/// The function's name, in the tutorial's Spanish or in English.
fn name(es: bool, role: Role, protocol: Protocol) -> &'static str {
    match (es, role, protocol) {
        (true, Role::Client, Protocol::Tcp) => "cliente_tcp",
        (true, Role::Server, Protocol::Tcp) => "servidor_tcp",
        (true, Role::Client, Protocol::Udp) => "cliente_udp",
        (true, Role::Server, Protocol::Udp) => "servidor_udp",
        (false, Role::Client, Protocol::Tcp) => "tcp_client",
        (false, Role::Server, Protocol::Tcp) => "tcp_server",
        (false, Role::Client, Protocol::Udp) => "udp_client",
        (false, Role::Server, Protocol::Udp) => "udp_server",
    }
}

fn main_call(function: &str) -> String {
    format!("\n\nif __name__ == \"__main__\":\n    {function}()\n")
}

/// The TLS settings as constants: the name to check, the pin or CA, ALPN; a server's files.
fn tls_constants(out: &mut String, spec: &SessionSpec, host: &str, tr: &Tr) {
    let tls = &spec.tls;
    let alpn: Vec<String> = tls.alpn_list().iter().map(|p| py_str(&String::from_utf8_lossy(p))).collect();
    match spec.role {
        Role::Client => {
            let sni = if tls.sni.trim().is_empty() { host } else { tls.sni.trim() };
            let _ = writeln!(out, "# {}\nSERVER_NAME = {}", t!(tr, "code-tls-sni"), py_str(sni));
            match tls.verify {
                Verify::Pin => {
                    let pin = tls.pin_bytes().map(const_hex::encode).unwrap_or_default();
                    let _ = writeln!(out, "# {}\nPIN = {}", t!(tr, "code-tls-pin"), py_str(&pin));
                }
                Verify::System if !tls.ca.trim().is_empty() => {
                    let _ = writeln!(out, "# {}\nCA = {}", t!(tr, "code-tls-ca"), py_str(tls.ca.trim()));
                }
                Verify::System | Verify::Insecure => {}
            }
        }
        Role::Server => {
            let (cert, key) = if tls.cert.trim().is_empty() {
                for line in t!(tr, "code-tls-make-cert").lines() {
                    let _ = writeln!(out, "# {line}");
                }
                let _ = writeln!(
                    out,
                    "#   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \\\n#     -days 365 -subj /CN={host} -keyout key.pem -out cert.pem"
                );
                ("cert.pem", "key.pem")
            } else {
                (tls.cert.trim(), tls.key.trim())
            };
            let _ = writeln!(out, "CERT = {}", py_str(cert));
            let _ = writeln!(out, "KEY = {}", py_str(key));
        }
    }
    if !alpn.is_empty() {
        let _ = writeln!(out, "ALPN = [{}]", alpn.join(", "));
    }
}

/// A client's TLS: the context (how the server is trusted), the handshake, and what it agreed.
fn tls_client(tr: &Tr, tls: &TlsSpec) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-tls-client"));
    match tls.verify {
        Verify::System if !tls.ca.trim().is_empty() => {
            s.push_str("        context = ssl.create_default_context(cafile=CA)\n")
        }
        Verify::System => s.push_str("        context = ssl.create_default_context()\n"),
        Verify::Pin | Verify::Insecure => {
            s.push_str("        context = ssl.create_default_context()\n");
            let id = if tls.verify == Verify::Pin { "code-c-tls-pin-check" } else { "code-c-tls-insecure" };
            let _ = writeln!(s, "        # {}", tr.render(&crate::vocabulary::Message::new(id)));
            s.push_str(
                "        context.check_hostname = False\n        context.verify_mode = ssl.CERT_NONE\n",
            );
        }
    }
    if !tls.alpn_list().is_empty() {
        s.push_str("        context.set_alpn_protocols(ALPN)\n");
    }
    s.push_str("        sock = context.wrap_socket(sock, server_hostname=SERVER_NAME)\n");
    if tls.verify == Verify::Pin {
        s.push_str("        fingerprint = hashlib.sha256(sock.getpeercert(binary_form=True)).hexdigest()\n");
        s.push_str("        if fingerprint != PIN:\n");
        let _ = writeln!(
            s,
            "            raise ssl.SSLError(f\"{}\")",
            t!(tr, "code-p-tls-pin-mismatch", got = "{fingerprint}")
        );
    }
    let _ = writeln!(
        s,
        "        print(f\"{}\")",
        t!(tr, "code-p-tls", version = "{sock.version()}", cipher = "{sock.cipher()[0]}")
    );
    s
}

/// The helper every program has: a count of bytes with its word, `1 byte`, `2 bytes`.
fn amount_helper(tr: &Tr) -> String {
    format!(
        "\ndef amount(n):\n    # {}\n    return f\"{{n}} byte\" if n == 1 else f\"{{n}} bytes\"\n\n\n",
        t!(tr, "code-c-amount")
    )
}

/// The message sent, as text (what cannot be decoded shown as �).
const SENT_TEXT: &str = "{MESSAGE.decode('utf-8', errors='replace')!r}";

fn tcp_client(tr: &Tr, es: bool, tls: Option<&TlsSpec>) -> String {
    let f = name(es, Role::Client, Protocol::Tcp);
    let mut s = amount_helper(tr);
    let _ = writeln!(s, "def {f}():");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-connect"));
    let _ = writeln!(s, "    print(f\"{}\")", t!(tr, "code-p-connecting", host = "{HOST}", port = "{PORT}"));
    // Inside the try: a refused connection is said in one line, not as a traceback.
    s.push_str("    failures = 0\n    sock = None\n    try:\n");
    s.push_str("        sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)\n");
    if let Some(tls) = tls {
        s.push_str(&tls_client(tr, tls));
    }
    s.push_str("        for _ in range(COUNT):\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-sendall"));
    let sending = t!(tr, "code-p-sending", bytes = "{amount(len(MESSAGE))}", text = SENT_TEXT);
    let _ = writeln!(s, "            print(f\"{sending}\")");
    s.push_str("            sock.sendall(MESSAGE)\n\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-decoder"));
    s.push_str("            decoder = codecs.getincrementaldecoder(\"utf-8\")(errors=\"replace\")\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-recv-bytes"));
    s.push_str("            received = b\"\"\n            while len(received) < len(MESSAGE):\n");
    s.push_str("                data = sock.recv(CHUNK)\n                if not data:\n");
    let _ = writeln!(s, "                    print(\"{}\")", t!(tr, "code-p-server-closed"));
    s.push_str("                    break\n                received += data\n");
    let _ = writeln!(
        s,
        "                print(f\"{}\")",
        t!(
            tr,
            "code-p-received-bytes",
            bytes = "{amount(len(data))}",
            total = "{len(received)}",
            expected = "{len(MESSAGE)}",
            text = "{decoder.decode(data)!r}"
        )
    );
    s.push_str("            if received == MESSAGE:\n");
    let _ = writeln!(s, "                print(\"{}\")", t!(tr, "code-p-echo-ok"));
    s.push_str("            else:\n                failures += 1\n");
    let _ = writeln!(s, "                print(\"{}\")", t!(tr, "code-p-echo-differs"));
    s.push_str("    except OSError as error:\n        failures += 1\n");
    let _ = writeln!(s, "        print(f\"{}\")", t!(tr, "code-p-error", error = "{error}"));
    s.push_str("    finally:\n");
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-close"));
    s.push_str("        if sock is not None:\n");
    let _ = writeln!(s, "            print(\"{}\")", t!(tr, "code-p-closing"));
    s.push_str("            sock.close()\n    sys.exit(1 if failures else 0)\n");
    s.push_str(&main_call(f));
    s
}

fn tcp_server(tr: &Tr, es: bool, tls: Option<&TlsSpec>) -> String {
    let f = name(es, Role::Server, Protocol::Tcp);
    let mut s = amount_helper(tr);
    let _ = writeln!(s, "def {f}():");
    if let Some(tls) = tls {
        let _ = writeln!(s, "    # {}", t!(tr, "code-c-tls-server"));
        s.push_str(
            "    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n    context.load_cert_chain(CERT, KEY)\n",
        );
        if !tls.alpn_list().is_empty() {
            s.push_str("    context.set_alpn_protocols(ALPN)\n");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-socket-tcp"));
    s.push_str("    family = socket.getaddrinfo(HOST, PORT, type=socket.SOCK_STREAM)[0][0]\n");
    s.push_str("    sock = socket.socket(family, socket.SOCK_STREAM)\n");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-reuse"));
    s.push_str("    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\n");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-bind"));
    s.push_str("    sock.bind((HOST, PORT))\n");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-listen"));
    s.push_str("    sock.listen(5)\n");
    let _ = writeln!(
        s,
        "    print(f\"{}\", flush=True)",
        t!(tr, "code-p-listening", host = "{HOST}", port = "{PORT}")
    );
    s.push_str("\n    while True:\n");
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-accept"));
    let _ = writeln!(s, "        print(\"{}\", flush=True)", t!(tr, "code-p-waiting"));
    s.push_str("        connection, client_address = sock.accept()\n");
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-decoder"));
    s.push_str("        decoder = codecs.getincrementaldecoder(\"utf-8\")(errors=\"replace\")\n");
    s.push_str("        try:\n");
    let _ = writeln!(
        s,
        "            print(f\"{}\", flush=True)",
        t!(tr, "code-p-connection-from", peer = "{client_address}")
    );
    if tls.is_some() {
        let _ = writeln!(s, "            # {}", t!(tr, "code-c-tls-handshake"));
        s.push_str("            connection = context.wrap_socket(connection, server_side=True)\n");
        let _ = writeln!(
            s,
            "            print(f\"{}\", flush=True)",
            t!(tr, "code-p-tls", version = "{connection.version()}", cipher = "{connection.cipher()[0]}")
        );
    }
    s.push_str("            while True:\n");
    let _ = writeln!(s, "                # {}", t!(tr, "code-c-recv-chunk"));
    s.push_str("                data = connection.recv(CHUNK)\n                if not data:\n");
    let _ = writeln!(
        s,
        "                    print(f\"{}\", flush=True)",
        t!(tr, "code-p-no-more", peer = "{client_address}")
    );
    s.push_str("                    break\n");
    let _ = writeln!(
        s,
        "                print(f\"{}\", flush=True)",
        t!(tr, "code-p-received-text", bytes = "{amount(len(data))}", text = "{decoder.decode(data)!r}")
    );
    let _ = writeln!(s, "                # {}", t!(tr, "code-c-sendall-back"));
    s.push_str("                connection.sendall(data)\n");
    if tls.is_some() {
        s.push_str("        except ssl.SSLError as error:\n");
        let _ =
            writeln!(s, "            print(f\"{}\", flush=True)", t!(tr, "code-p-error", error = "{error}"));
    }
    s.push_str("        except ConnectionResetError:\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-reset"));
    let _ = writeln!(
        s,
        "            print(f\"{}\", flush=True)",
        t!(tr, "code-p-reset", peer = "{client_address}")
    );
    s.push_str("        finally:\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-close"));
    s.push_str("            connection.close()\n");
    s.push_str(&main_call(f));
    s
}

fn udp_client(tr: &Tr, es: bool) -> String {
    let f = name(es, Role::Client, Protocol::Udp);
    let mut s = amount_helper(tr);
    let _ = writeln!(s, "def {f}():");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-socket-udp"));
    s.push_str(
        "    family, _, _, _, server_address = socket.getaddrinfo(HOST, PORT, type=socket.SOCK_DGRAM)[0]\n",
    );
    s.push_str("    sock = socket.socket(family, socket.SOCK_DGRAM)\n");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-udp-timeout"));
    s.push_str("    sock.settimeout(TIMEOUT)\n    failures = 0\n    try:\n        for _ in range(COUNT):\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-sendto"));
    let sending = t!(tr, "code-p-sending", bytes = "{amount(len(MESSAGE))}", text = SENT_TEXT);
    let _ = writeln!(s, "            print(f\"{sending}\")");
    s.push_str("            sock.sendto(MESSAGE, server_address)\n");
    let _ = writeln!(s, "            # {}", t!(tr, "code-c-recvfrom"));
    s.push_str("            try:\n                data, server = sock.recvfrom(CHUNK)\n");
    s.push_str("            except socket.timeout:\n                failures += 1\n");
    let _ = writeln!(s, "                print(f\"{}\")", t!(tr, "code-p-lost", ms = "{TIMEOUT * 1000:.0f}"));
    s.push_str("                continue\n");
    let _ = writeln!(
        s,
        "            print(f\"{}\")",
        t!(
            tr,
            "code-p-received-datagram",
            bytes = "{amount(len(data))}",
            peer = "{server}",
            text = "{data.decode('utf-8', errors='replace')!r}"
        )
    );
    s.push_str("            if data == MESSAGE:\n");
    let _ = writeln!(s, "                print(\"{}\")", t!(tr, "code-p-echo-ok"));
    s.push_str("            else:\n                failures += 1\n");
    let _ = writeln!(s, "                print(\"{}\")", t!(tr, "code-p-echo-differs"));
    s.push_str("    finally:\n");
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-close"));
    let _ = writeln!(s, "        print(\"{}\")", t!(tr, "code-p-closing"));
    s.push_str("        sock.close()\n    sys.exit(1 if failures else 0)\n");
    s.push_str(&main_call(f));
    s
}

fn udp_server(tr: &Tr, es: bool) -> String {
    let f = name(es, Role::Server, Protocol::Udp);
    let mut s = amount_helper(tr);
    let _ = writeln!(s, "def {f}():");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-socket-udp"));
    s.push_str("    family = socket.getaddrinfo(HOST, PORT, type=socket.SOCK_DGRAM)[0][0]\n");
    s.push_str("    sock = socket.socket(family, socket.SOCK_DGRAM)\n\n");
    let _ = writeln!(s, "    # {}", t!(tr, "code-c-bind"));
    s.push_str("    sock.bind((HOST, PORT))\n");
    let _ = writeln!(
        s,
        "    print(f\"{}\", flush=True)",
        t!(tr, "code-p-listening", host = "{HOST}", port = "{PORT}")
    );
    s.push_str("\n    while True:\n");
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-recvfrom-server"));
    let _ = writeln!(s, "        print(\"{}\", flush=True)", t!(tr, "code-p-waiting-datagram"));
    s.push_str("        data, address = sock.recvfrom(CHUNK)\n");
    let _ = writeln!(
        s,
        "        print(f\"{}\", flush=True)",
        t!(
            tr,
            "code-p-received-from",
            bytes = "{amount(len(data))}",
            peer = "{address}",
            text = "{data.decode('utf-8', errors='replace')!r}"
        )
    );
    let _ = writeln!(s, "        # {}", t!(tr, "code-c-sendto-back"));
    s.push_str("        sent = sock.sendto(data, address)\n");
    let _ = writeln!(
        s,
        "        print(f\"{}\", flush=True)",
        t!(tr, "code-p-sent-back", bytes = "{amount(sent)}", peer = "{address}")
    );
    s.push_str(&main_call(f));
    s
}

/// Milliseconds as Python seconds (`5.0`, `0.3`).
fn seconds(ms: u64) -> String {
    let s = format!("{}", ms as f64 / 1000.0);
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// A Python string literal in single quotes.
fn py_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The message's exact bytes as Python: readable text encoded as UTF-8 when they are that,
/// else a bytes literal.
fn py_message(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return format!("{}.encode(\"utf-8\")", py_str(text));
    }
    let mut out = String::from("b'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_comments_wrap_and_keep_their_indent() {
        let code = wrap_comments("    # one two three four five six\nx = 1\n", 16);
        assert_eq!(code, "    # one two\n    # three four\n    # five six\nx = 1\n");
    }

    #[test]
    fn literals_keep_every_byte() {
        assert_eq!(py_str("a'b\\c\n"), "'a\\'b\\\\c\\n'");
        assert_eq!(py_message("repetirá".as_bytes()), "'repetirá'.encode(\"utf-8\")");
        assert_eq!(py_message(&[0x48, 0x00, 0xff, b'\'']), "b'H\\x00\\xff\\''");
        assert_eq!(seconds(300), "0.3");
        assert_eq!(seconds(5000), "5.0");
    }

    #[test]
    fn every_program_names_its_socket_calls_in_both_languages() {
        for language in [Language::English, Language::Spanish] {
            let tr = Tr::new(language);
            for (role, protocol, calls) in [
                (Role::Client, Protocol::Tcp, &["create_connection", "sendall", "recv(", "close()"][..]),
                (Role::Server, Protocol::Tcp, &["bind(", "listen(", "accept()", "recv(", "sendall"][..]),
                (Role::Client, Protocol::Udp, &["sendto(", "recvfrom(", "settimeout"][..]),
                (Role::Server, Protocol::Udp, &["bind(", "recvfrom(", "sendto("][..]),
            ] {
                let code = python(&SessionSpec::new(role, protocol), &tr).unwrap_or_default();
                for call in calls {
                    assert!(code.contains(call), "{language:?} {role:?} {protocol:?}: {call}\n{code}");
                }
                assert!(!code.contains("No localization"), "{code}");
            }
        }
        let mut file = SessionSpec::new(Role::Client, Protocol::Tcp);
        file.message.mode = MessageMode::File;
        assert!(python(&file, &Tr::new(Language::English)).is_err());
    }
}
