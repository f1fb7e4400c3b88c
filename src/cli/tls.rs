//! The TLS flags of `serve` and `send` (and `run`), and the TLS settings they make.

use clap::Args;

use crate::spec::{TlsSpec, Verify};

/// `serve tcp --tls` options.
#[derive(Debug, Args)]
pub struct ServeTlsArgs {
    /// Serve TLS (TCP only). Without --cert, a self-signed certificate is made for the names
    /// it listens on; its SHA-256 fingerprint is on the listening line.
    #[arg(long)]
    pub tls: bool,
    /// A PEM certificate chain to serve (with --key).
    #[arg(long, value_name = "PEM", requires = "key")]
    pub cert: Option<String>,
    /// The PEM private key of --cert.
    #[arg(long, value_name = "PEM", requires = "cert")]
    pub key: Option<String>,
    /// ALPN protocols to accept, comma-separated in order of preference (h2,http/1.1).
    #[arg(long, value_name = "P[,P...]")]
    pub alpn: Option<String>,
    /// How long a client has to finish its TLS handshake (default 10000): one that stalls
    /// half-way is closed with a line that says so.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub handshake_timeout_ms: Option<u64>,
}

/// `send tcp --tls` options.
#[derive(Debug, Args)]
pub struct SendTlsArgs {
    /// Connect with TLS (TCP only), verifying the server against the system's roots.
    #[arg(long)]
    pub tls: bool,
    /// Accept any certificate: encrypted, but the server is not checked (insecure).
    #[arg(long, conflicts_with = "pin")]
    pub insecure: bool,
    /// Accept exactly the certificate with this SHA-256 fingerprint (hex, colons allowed),
    /// whoever issued it: the way to trust a self-signed server.
    #[arg(long, value_name = "SHA256")]
    pub pin: Option<String>,
    /// The name sent as SNI and checked in the certificate (default: the host).
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,
    /// ALPN protocols to offer, comma-separated in order of preference (h2,http/1.1).
    #[arg(long, value_name = "P[,P...]")]
    pub alpn: Option<String>,
    /// Trust the certificates in this PEM file instead of the system's roots.
    #[arg(long, value_name = "PEM")]
    pub ca: Option<String>,
}

impl ServeTlsArgs {
    pub(super) fn apply(&self, tls: &mut TlsSpec) {
        tls.enabled |= self.tls || self.cert.is_some();
        if let (Some(cert), Some(key)) = (&self.cert, &self.key) {
            tls.cert.clone_from(cert);
            tls.key.clone_from(key);
        }
        if let Some(alpn) = &self.alpn {
            tls.alpn.clone_from(alpn);
        }
        if let Some(ms) = self.handshake_timeout_ms {
            tls.handshake_timeout_ms = ms;
        }
    }
}

impl SendTlsArgs {
    pub(super) fn apply(&self, tls: &mut TlsSpec) {
        tls.enabled |= self.tls || self.insecure || self.pin.is_some();
        if self.insecure {
            tls.verify = Verify::Insecure;
        }
        if let Some(pin) = &self.pin {
            tls.verify = Verify::Pin;
            tls.pin.clone_from(pin);
        }
        if let Some(sni) = &self.sni {
            tls.sni.clone_from(sni);
        }
        if let Some(alpn) = &self.alpn {
            tls.alpn.clone_from(alpn);
        }
        if let Some(ca) = &self.ca {
            tls.ca.clone_from(ca);
        }
    }
}
