//! TLS over the engine's non-blocking TCP sockets, with rustls (ring) and rcgen.
//!
//! [`TlsSpec`] is the plain data a session keeps (in its `SessionSpec`, files and presets);
//! the worker turns it into a rustls configuration on its own thread, since that reads
//! certificate files and the system's roots. [`Stream`] is a TCP stream, plain or wrapped,
//! that reads and writes like a socket: the handshake runs inside its reads and writes, and
//! [`Stream::secured`] tells once when it has finished, with what the transcript shows of it
//! ([`TlsInfo`]). A failed handshake becomes a typed [`Reason`] in plain words.

use std::io::{self, Read, Write};
use std::sync::{Arc, OnceLock};

use mio::net::TcpStream;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use serde::{Deserialize, Serialize};

use super::error::{Error, ErrorKind, Op, Reason};

/// How a client decides to trust a server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verify {
    /// Against the system's root certificates (or the `ca` file's), for the host's name.
    #[default]
    System,
    /// Exactly the certificate with this SHA-256 fingerprint, whoever issued it.
    Pin,
    /// Any certificate at all: the connection is encrypted but the peer is not checked.
    Insecure,
}

/// A session's TLS settings, as the form, the command line and the files keep them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsSpec {
    /// TLS is on (TCP only).
    pub enabled: bool,
    /// Server: a PEM certificate chain (empty: a self-signed certificate made at start).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert: String,
    /// Server: the PEM private key of `cert`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Client: how the server's certificate is trusted.
    pub verify: Verify,
    /// Client, with `verify = "pin"`: the SHA-256 fingerprint (hex, colons allowed).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pin: String,
    /// Client: PEM root certificates to trust instead of the system's.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ca: String,
    /// Client: the name sent as SNI and checked in the certificate (empty: the host).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sni: String,
    /// ALPN protocols, comma-separated, in order of preference (`h2,http/1.1`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub alpn: String,
    /// Server: how long a client has to finish its handshake, in milliseconds (`0`: the
    /// default, [`DEFAULT_HANDSHAKE_TIMEOUT_MS`]). A client that stalls half-way is closed
    /// with a line that says so, so it cannot hold a connection forever.
    #[serde(skip_serializing_if = "is_zero")]
    pub handshake_timeout_ms: u64,
}

/// A server's default deadline for a client's handshake.
pub const DEFAULT_HANDSHAKE_TIMEOUT_MS: u64 = 10_000;

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl TlsSpec {
    /// A server's deadline for a client's handshake.
    pub fn handshake_timeout(&self) -> std::time::Duration {
        let ms = if self.handshake_timeout_ms == 0 {
            DEFAULT_HANDSHAKE_TIMEOUT_MS
        } else {
            self.handshake_timeout_ms
        };
        std::time::Duration::from_millis(ms)
    }

    /// Whether TLS is off (serde skips the whole table then).
    pub fn is_off(&self) -> bool {
        *self == TlsSpec::default()
    }

    /// The ALPN protocols, in order.
    pub fn alpn_list(&self) -> Vec<Vec<u8>> {
        self.alpn.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| p.as_bytes().to_vec()).collect()
    }

    /// The pin as 32 bytes, if it is 64 hex digits (colons and spaces ignored).
    pub fn pin_bytes(&self) -> Option<[u8; 32]> {
        parse_fingerprint(&self.pin)
    }

    /// What is wrong with the settings, in the problem's words, and the field it is in.
    pub fn problem(&self, server: bool) -> Option<(TlsField, TlsProblem)> {
        if !self.enabled {
            return None;
        }
        if server {
            match (self.cert.trim().is_empty(), self.key.trim().is_empty()) {
                (false, true) => return Some((TlsField::Key, TlsProblem::KeyWithoutCert)),
                (true, false) => return Some((TlsField::Cert, TlsProblem::KeyWithoutCert)),
                _ => {}
            }
        } else {
            if self.verify == Verify::Pin && self.pin_bytes().is_none() {
                return Some((TlsField::Pin, TlsProblem::BadPin));
            }
            let sni = self.sni.trim();
            if !sni.is_empty() && ServerName::try_from(sni.to_string()).is_err() {
                return Some((TlsField::Sni, TlsProblem::BadSni));
            }
        }
        if self.alpn.split(',').map(str::trim).any(|p| p.len() > 255)
            || (!self.alpn.trim().is_empty() && self.alpn_list().is_empty())
        {
            return Some((TlsField::Alpn, TlsProblem::BadAlpn));
        }
        None
    }
}

/// A TLS setting the form and the command line name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlsField {
    /// `--cert`.
    Cert,
    /// `--key`.
    Key,
    /// `--pin`.
    Pin,
    /// `--sni`.
    Sni,
    /// `--alpn`.
    Alpn,
}

/// What is wrong with a TLS setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// A certificate needs its key, and a key its certificate.
    KeyWithoutCert,
    /// Not 64 hex digits.
    BadPin,
    /// Not a DNS name or an IP address.
    BadSni,
    /// An empty or over-long protocol name.
    BadAlpn,
}

/// What the transcript shows of a finished handshake.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TlsInfo {
    /// `TLS 1.3` or `TLS 1.2`.
    pub version: String,
    /// The cipher suite (`TLS13_AES_256_GCM_SHA384`).
    pub cipher: String,
    /// The protocol ALPN chose, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpn: Option<String>,
    /// The server name: sent (client) or received (server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni: Option<String>,
    /// The peer's certificate (a client sees the server's; a server shows its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<CertInfo>,
    /// How the client trusted the certificate (`None` on a server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Verify>,
    /// The CA file the certificate was verified against, instead of the system's roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<String>,
}

/// A certificate, as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CertInfo {
    /// Its subject (`CN=localhost`).
    pub subject: String,
    /// Its issuer.
    pub issuer: String,
    /// Valid from (RFC 3339).
    pub not_before: String,
    /// Valid until (RFC 3339).
    pub not_after: String,
    /// SHA-256 of its DER bytes, as colon-separated upper-case hex.
    pub sha256: String,
}

impl CertInfo {
    /// Reads a DER certificate; a certificate x509-parser cannot read still has its
    /// fingerprint.
    pub fn of(der: &[u8]) -> CertInfo {
        let sha256 = fingerprint(der);
        match x509_parser::parse_x509_certificate(der) {
            Ok((_, cert)) => CertInfo {
                subject: cert.subject().to_string(),
                issuer: cert.issuer().to_string(),
                not_before: rfc3339(cert.validity().not_before.timestamp()),
                not_after: rfc3339(cert.validity().not_after.timestamp()),
                sha256,
            },
            Err(_) => CertInfo { sha256, ..CertInfo::default() },
        }
    }

    fn self_signed(der: &[u8]) -> bool {
        x509_parser::parse_x509_certificate(der).is_ok_and(|(_, cert)| cert.subject() == cert.issuer())
    }
}

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map(|t| t.to_string()).unwrap_or_else(|_| seconds.to_string())
}

/// SHA-256 of DER bytes as `AB:CD:…`, as browsers and `openssl x509 -fingerprint` show it.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let hex = const_hex::encode_upper(digest.as_ref());
    hex.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// Parses a fingerprint written with or without colons or spaces.
pub fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let hex: String = text.chars().filter(|c| !matches!(c, ':' | ' ' | '-')).collect();
    let bytes = const_hex::decode(hex).ok()?;
    bytes.try_into().ok()
}

fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())))
}

fn tls_error(op: Op, target: &str, reason: Reason) -> Error {
    Error::new(ErrorKind::Tls, op, target, reason)
}

/// A file that could not be read or held no certificate or key.
fn file_error(path: &str, what: &str, detail: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        Op::ReadFile,
        path,
        Reason::TlsFile { what: what.to_string(), detail: detail.to_string() },
    )
}

/// A server's TLS, ready: its configuration and its certificate, as the listening line shows.
pub struct ServerTls {
    /// What rustls serves with.
    pub config: Arc<rustls::ServerConfig>,
    /// The certificate served.
    pub cert: CertInfo,
    /// True when it was made at start (self-signed).
    pub generated: bool,
}

/// Builds a server's TLS: the PEM files, or a self-signed certificate for `names`.
pub fn server(spec: &TlsSpec, names: &[String]) -> Result<ServerTls, Error> {
    let (chain, key, generated) = if spec.cert.trim().is_empty() {
        let (cert, key) = self_signed(names).map_err(|err| {
            tls_error(Op::Bind, "self-signed certificate", Reason::TlsOther { detail: err.to_string() })
        })?;
        (vec![cert], key, true)
    } else {
        let cert_path = spec.cert.trim();
        let key_path = spec.key.trim();
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
            .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
            .map_err(|err| file_error(cert_path, "certificate", err))?;
        if chain.is_empty() {
            return Err(file_error(cert_path, "certificate", "no CERTIFICATE block"));
        }
        let key = PrivateKeyDer::from_pem_file(key_path).map_err(|err| file_error(key_path, "key", err))?;
        (chain, key, false)
    };
    let cert = CertInfo::of(&chain[0]);
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|err| tls_error(Op::Bind, "TLS", Reason::TlsOther { detail: err.to_string() }))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|err| {
            let target = if generated { "self-signed certificate" } else { spec.key.trim() };
            let reason = match err {
                rustls::Error::InconsistentKeys(_) => {
                    Reason::TlsKeyMismatch { cert: spec.cert.trim().to_string() }
                }
                other => Reason::TlsOther { detail: other.to_string() },
            };
            tls_error(Op::Bind, target, reason)
        })?;
    config.alpn_protocols = spec.alpn_list();
    Ok(ServerTls { config: Arc::new(config), cert, generated })
}

/// A self-signed certificate for `names`, its subject the first name, valid from yesterday
/// for a year.
fn self_signed(names: &[String]) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), rcgen::Error> {
    let mut params = rcgen::CertificateParams::new(names.to_vec())?;
    let mut subject = rcgen::DistinguishedName::new();
    subject.push(rcgen::DnType::CommonName, names.first().map_or("localhost", String::as_str));
    subject.push(rcgen::DnType::OrganizationName, "Socket Tester (self-signed)");
    params.distinguished_name = subject;
    let day = |days: i64| {
        let date = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
        let date = date.checked_add(jiff::Span::new().days(days)).unwrap_or(date);
        rcgen::date_time_ymd(i32::from(date.year()), date.month().unsigned_abs(), date.day().unsigned_abs())
    };
    params.not_before = day(-1);
    params.not_after = day(365);
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok((cert.der().clone(), PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))))
}

/// A client's TLS, ready: its configuration and the name it checks.
pub struct ClientTls {
    /// What rustls connects with.
    pub config: Arc<rustls::ClientConfig>,
    /// The name sent as SNI (a DNS name) and checked in the certificate.
    pub name: ServerName<'static>,
    /// How the certificate is trusted.
    pub verify: Verify,
    /// The CA file trusted instead of the system's roots, if one was given.
    pub ca: Option<String>,
}

/// A client's TLS if its settings ask for it (`None`: plain TCP).
pub fn optional_client(spec: Option<&TlsSpec>, host: &str) -> Result<Option<ClientTls>, Error> {
    spec.map(|spec| client(spec, host)).transpose()
}

/// The system's root certificates, read once per process.
fn system_roots() -> Arc<rustls::RootCertStore> {
    static ROOTS: OnceLock<Arc<rustls::RootCertStore>> = OnceLock::new();
    Arc::clone(ROOTS.get_or_init(|| {
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        let _ = roots.add_parsable_certificates(found.certs);
        Arc::new(roots)
    }))
}

/// Builds a client's TLS for connecting to `host`.
pub fn client(spec: &TlsSpec, host: &str) -> Result<ClientTls, Error> {
    let name_text = if spec.sni.trim().is_empty() { host.trim() } else { spec.sni.trim() };
    let name = ServerName::try_from(name_text.to_string())
        .map_err(|_| Error::invalid(name_text, Reason::TlsBadName))?;
    let pin = match spec.verify {
        Verify::Pin => Some(spec.pin_bytes().ok_or_else(|| Error::invalid(&spec.pin, Reason::TlsBadPin))?),
        _ => None,
    };
    let roots = if spec.ca.trim().is_empty() {
        system_roots()
    } else {
        let path = spec.ca.trim();
        let mut roots = rustls::RootCertStore::empty();
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
            .map_err(|err| file_error(path, "CA certificate", err))?;
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(file_error(path, "CA certificate", "no usable CERTIFICATE block"));
        }
        Arc::new(roots)
    };
    let provider = provider();
    let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(&provider))
        .build()
        .map_err(|err| tls_error(Op::Connect, name_text, Reason::TlsOther { detail: err.to_string() }));
    let verifier = Arc::new(Verifier {
        mode: spec.verify,
        pin,
        webpki: webpki.ok(),
        algorithms: provider.signature_verification_algorithms,
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|err| tls_error(Op::Connect, name_text, Reason::TlsOther { detail: err.to_string() }))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = spec.alpn_list();
    let ca =
        (spec.verify == Verify::System && !spec.ca.trim().is_empty()).then(|| spec.ca.trim().to_string());
    Ok(ClientTls { config: Arc::new(config), name, verify: spec.verify, ca })
}

/// The client's certificate check: the system's (webpki, telling a self-signed certificate
/// apart from an unknown issuer), a pinned fingerprint, or none.
#[derive(Debug)]
struct Verifier {
    mode: Verify,
    pin: Option<[u8; 32]>,
    webpki: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

/// The server's certificate signed itself (a `CertificateError::Other`).
#[derive(Debug)]
struct SelfSigned {
    fingerprint: String,
}

impl std::fmt::Display for SelfSigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "self-signed certificate {}", self.fingerprint)
    }
}

impl std::error::Error for SelfSigned {}

/// The server's certificate is a CA's (a `CertificateError::Other`).
#[derive(Debug)]
struct CaAsServer {
    fingerprint: String,
}

impl std::fmt::Display for CaAsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CA certificate used as a server's {}", self.fingerprint)
    }
}

impl std::error::Error for CaAsServer {}

/// The certificate is not the pinned one.
#[derive(Debug)]
struct PinMismatch {
    got: String,
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fingerprint {} is not the pinned one", self.got)
    }
}

impl std::error::Error for PinMismatch {}

fn other(err: impl std::error::Error + Send + Sync + 'static) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(Arc::new(err))))
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.mode {
            Verify::Insecure => Ok(ServerCertVerified::assertion()),
            Verify::Pin => {
                let digest = ring::digest::digest(&ring::digest::SHA256, end_entity.as_ref());
                if Some(digest.as_ref()) == self.pin.as_ref().map(|p| p.as_slice()) {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(other(PinMismatch { got: fingerprint(end_entity.as_ref()) }))
                }
            }
            Verify::System => {
                let Some(webpki) = &self.webpki else {
                    return Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer));
                };
                match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
                    Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer))
                        if intermediates.is_empty() && CertInfo::self_signed(end_entity.as_ref()) =>
                    {
                        Err(other(SelfSigned { fingerprint: fingerprint(end_entity.as_ref()) }))
                    }
                    Err(rustls::Error::InvalidCertificate(CertificateError::Other(error)))
                        if error.to_string().contains("CaUsedAsEndEntity") =>
                    {
                        Err(other(CaAsServer { fingerprint: fingerprint(end_entity.as_ref()) }))
                    }
                    result => result,
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Whether bytes start like a TLS record: an alert (21) or a handshake (22), then version
/// 3.x (SSL 3.0 to TLS 1.3 all write 3.0 to 3.4 there), then a length a record can have.
pub fn looks_like_tls_record(data: &[u8]) -> bool {
    match data {
        [kind @ (21 | 22), 3, minor, hi, lo, ..] => {
            *minor <= 4 && u16::from_be_bytes([*hi, *lo]) <= 16_384 + 2048 && (*kind == 22 || *hi == 0)
        }
        _ => false,
    }
}

/// A name a certificate presents, as people write it: rustls says `DnsName("localhost")` or
/// `IpAddress(127.0.0.1)`; this gives `localhost`, `127.0.0.1`.
fn plain_name(presented: &str) -> String {
    let inner = presented.split_once('(').and_then(|(_, rest)| rest.strip_suffix(')')).unwrap_or(presented);
    inner.trim_matches('"').to_string()
}

/// A TLS failure in plain words: what the user can do something about.
pub fn reason(err: &rustls::Error) -> Reason {
    use rustls::Error as E;
    match err {
        E::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => Reason::TlsUnknownIssuer,
            CertificateError::NotValidForName => Reason::TlsNameMismatch { presented: String::new() },
            CertificateError::NotValidForNameContext { presented, .. } => Reason::TlsNameMismatch {
                presented: presented.iter().map(|p| plain_name(p)).collect::<Vec<_>>().join(", "),
            },
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Reason::TlsExpired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Reason::TlsNotYetValid
            }
            CertificateError::Other(other) => {
                if let Some(signed) = other.0.downcast_ref::<SelfSigned>() {
                    Reason::TlsSelfSigned { fingerprint: signed.fingerprint.clone() }
                } else if let Some(pin) = other.0.downcast_ref::<PinMismatch>() {
                    Reason::TlsPinMismatch { got: pin.got.clone() }
                } else if let Some(ca) = other.0.downcast_ref::<CaAsServer>() {
                    Reason::TlsCaAsServer { fingerprint: ca.fingerprint.clone() }
                } else {
                    Reason::TlsOther { detail: err.to_string() }
                }
            }
            _ => Reason::TlsOther { detail: err.to_string() },
        },
        E::InvalidMessage(_) | E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            Reason::TlsNotTls
        }
        E::AlertReceived(
            alert @ (rustls::AlertDescription::BadCertificate
            | rustls::AlertDescription::CertificateUnknown
            | rustls::AlertDescription::UnknownCA),
        ) => Reason::TlsCertRefused { alert: format!("{alert:?}") },
        E::NoApplicationProtocol | E::AlertReceived(rustls::AlertDescription::NoApplicationProtocol) => {
            Reason::TlsNoAlpn
        }
        E::AlertReceived(alert) => Reason::TlsAlert { alert: format!("{alert:?}") },
        _ => Reason::TlsOther { detail: err.to_string() },
    }
}

/// The typed reason of an I/O error that carries a TLS failure, if it does.
pub fn reason_of_io(err: &io::Error) -> Option<Reason> {
    err.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()).map(reason)
}

/// An engine error for a failure on a stream: a TLS reason when there is one. Pass
/// `Op::Handshake` while the handshake runs.
pub fn stream_error(op: Op, target: impl std::fmt::Display, err: &io::Error) -> Error {
    match reason_of_io(err) {
        Some(reason) => Error::new(ErrorKind::Tls, op, target, reason),
        None if err.kind() == io::ErrorKind::UnexpectedEof => {
            Error::new(ErrorKind::Tls, op, target, Reason::TlsClosedInHandshake)
        }
        None => Error::io(op, target, err),
    }
}

/// A TCP stream, plain or with TLS.
pub enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<Secure>),
}

/// A TLS connection over its socket.
pub struct Secure {
    tcp: TcpStream,
    conn: rustls::Connection,
    /// The handshake's end was told (by [`Stream::secured`]).
    told: bool,
    verify: Option<Verify>,
    ca: Option<String>,
    sni: Option<String>,
    /// A server shows its own certificate.
    own_cert: Option<CertInfo>,
    /// The socket's read side ended.
    eof: bool,
}

/// How much TLS output may wait in memory before writes report the socket full.
const TLS_BUFFER: usize = 256 * 1024;

impl Stream {
    /// A client's TLS over a connected socket.
    pub fn client(tcp: TcpStream, tls: &ClientTls) -> io::Result<Stream> {
        let mut conn = rustls::ClientConnection::new(Arc::clone(&tls.config), tls.name.clone())
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
        conn.set_buffer_limit(Some(TLS_BUFFER));
        let sni = match &tls.name {
            ServerName::DnsName(name) => Some(name.as_ref().to_string()),
            _ => None,
        };
        Ok(Stream::Tls(Box::new(Secure {
            tcp,
            conn: conn.into(),
            told: false,
            verify: Some(tls.verify),
            ca: tls.ca.clone(),
            sni,
            own_cert: None,
            eof: false,
        })))
    }

    /// A server's TLS over an accepted socket.
    pub fn server(tcp: TcpStream, tls: &ServerTls) -> Result<Stream, Error> {
        let mut conn = rustls::ServerConnection::new(Arc::clone(&tls.config))
            .map_err(|err| tls_error(Op::Handshake, "TLS", reason(&err)))?;
        conn.set_buffer_limit(Some(TLS_BUFFER));
        Ok(Stream::Tls(Box::new(Secure {
            tcp,
            conn: conn.into(),
            told: false,
            verify: None,
            ca: None,
            sni: None,
            own_cert: Some(tls.cert.clone()),
            eof: false,
        })))
    }

    /// The socket underneath.
    pub fn tcp(&mut self) -> &mut TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(secure) => &mut secure.tcp,
        }
    }

    /// Whether a TLS handshake is still under way.
    pub fn handshaking(&self) -> bool {
        matches!(self, Stream::Tls(secure) if secure.conn.is_handshaking())
    }

    /// Once, when the handshake has just finished: what it agreed.
    pub fn secured(&mut self) -> Option<TlsInfo> {
        let Stream::Tls(secure) = self else { return None };
        if secure.told || secure.conn.is_handshaking() {
            return None;
        }
        secure.told = true;
        Some(secure.info())
    }

    /// Moves the handshake (or pending output) on without reading application data: for a
    /// client that waits for the handshake before it sends.
    pub fn drive(&mut self) -> io::Result<()> {
        let Stream::Tls(secure) = self else { return Ok(()) };
        secure.flush_tls()?;
        while secure.conn.is_handshaking() {
            match secure.read_tls_once()? {
                true => secure.flush_tls()?,
                false => return Ok(()),
            }
        }
        secure.flush_tls()
    }

    /// Writes the TLS output waiting in memory. `Ok(true)`: none left.
    pub fn flush_pending(&mut self) -> io::Result<bool> {
        match self {
            Stream::Plain(_) => Ok(true),
            Stream::Tls(secure) => {
                secure.flush_tls()?;
                Ok(!secure.conn.wants_write())
            }
        }
    }

    /// Says goodbye properly (TLS close_notify), as far as the socket takes it now.
    pub fn close_notify(&mut self) {
        if let Stream::Tls(secure) = self {
            secure.conn.send_close_notify();
            let _ = secure.flush_tls();
        }
    }
}

impl Secure {
    fn info(&self) -> TlsInfo {
        let version = match self.conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
            Some(other) => format!("{other:?}"),
            None => String::new(),
        };
        let cipher = self
            .conn
            .negotiated_cipher_suite()
            .map(|suite| format!("{:?}", suite.suite()))
            .unwrap_or_default();
        let alpn = self.conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
        let sni = match &self.conn {
            rustls::Connection::Server(server) => server.server_name().map(str::to_string),
            rustls::Connection::Client(_) => self.sni.clone(),
        };
        let cert = match &self.own_cert {
            Some(own) => Some(own.clone()),
            None => self
                .conn
                .peer_certificates()
                .and_then(|certs| certs.first())
                .map(|c| CertInfo::of(c.as_ref())),
        };
        TlsInfo { version, cipher, alpn, sni, cert, verify: self.verify, ca: self.ca.clone() }
    }

    /// Reads TLS records once and processes them. `Ok(false)`: the socket had nothing.
    fn read_tls_once(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        match self.conn.read_tls(&mut self.tcp) {
            Ok(0) => {
                self.eof = true;
                if self.conn.is_handshaking() {
                    return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
                }
            }
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(err) => return Err(err),
        }
        if let Err(err) = self.conn.process_new_packets() {
            // Tell the peer why (the alert rustls queued), then report.
            let _ = self.flush_tls();
            return Err(io::Error::new(io::ErrorKind::InvalidData, err));
        }
        Ok(true)
    }

    /// Writes queued TLS records until the socket is full.
    fn flush_tls(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut self.tcp) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let secure = match self {
            Stream::Plain(tcp) => return tcp.read(buf),
            Stream::Tls(secure) => secure,
        };
        loop {
            match secure.conn.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                // The peer closed its socket without a close_notify: for an echo that is a
                // close like any other.
                Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(err) => return Err(err),
            }
            let progressed = secure.read_tls_once()?;
            secure.flush_tls()?;
            if !progressed {
                return Err(io::Error::from(io::ErrorKind::WouldBlock));
            }
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let secure = match self {
            Stream::Plain(tcp) => return tcp.write(buf),
            Stream::Tls(secure) => secure,
        };
        secure.flush_tls()?;
        if secure.conn.is_handshaking() || secure.conn.wants_write() {
            // The socket is full, or the handshake has not finished: the caller waits for
            // the next readiness event, as with a full plain socket.
            if secure.conn.is_handshaking() {
                secure.read_tls_once()?;
                secure.flush_tls()?;
            }
            if secure.conn.is_handshaking() || secure.conn.wants_write() {
                return Err(io::Error::from(io::ErrorKind::WouldBlock));
            }
        }
        let n = secure.conn.writer().write(buf)?;
        secure.flush_tls()?;
        if n == 0 && !buf.is_empty() {
            return Err(io::Error::from(io::ErrorKind::WouldBlock));
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(tcp) => tcp.flush(),
            Stream::Tls(secure) => secure.flush_tls(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_back_with_or_without_colons() {
        let fp = fingerprint(b"abc");
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert_eq!(parse_fingerprint(&fp), parse_fingerprint(&fp.replace(':', "").to_lowercase()));
        assert!(parse_fingerprint("AB:CD").is_none());
    }

    #[test]
    fn a_self_signed_certificate_is_made_for_the_names_and_shown() {
        let tls = server(&TlsSpec { enabled: true, ..TlsSpec::default() }, &["localhost".into()]).unwrap();
        assert!(tls.generated);
        assert_eq!(tls.cert.sha256.len(), 95);
        assert!(tls.cert.not_after > tls.cert.not_before);
    }

    #[test]
    fn settings_name_their_problem() {
        let mut spec = TlsSpec { enabled: true, verify: Verify::Pin, pin: "12".into(), ..TlsSpec::default() };
        assert_eq!(spec.problem(false), Some((TlsField::Pin, TlsProblem::BadPin)));
        spec.pin = fingerprint(b"x");
        assert_eq!(spec.problem(false), None);
        spec.cert = "cert.pem".into();
        assert_eq!(spec.problem(true), Some((TlsField::Key, TlsProblem::KeyWithoutCert)));
        spec.alpn = ",".into();
        assert_eq!(spec.problem(false), Some((TlsField::Alpn, TlsProblem::BadAlpn)));
    }
}
