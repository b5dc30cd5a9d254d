//! Sends the registry's requests to Salesforce over HTTPS and says how each fared. The line
//! between [`Answer::NotSent`] and [`Answer::NoAnswer`] is drawn where the request's first
//! byte leaves: a failed connection or TLS handshake reached nobody (safe to repeat); anything
//! after may have been acted on.

use std::fmt;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use crate::calls::{Answer, Request, RequestKind};
use crate::http;
use crate::jwt::Signer;
use crate::scrt::{self, Tenant, PROVIDER_NAME};

/// How long to wait for a connection, and for Salesforce's whole answer once the request left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub answer: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts { connect: Duration::from_secs(3), answer: Duration::from_secs(10) }
    }
}

/// The tenant's endpoint, the key that signs for it and the TLS trust.
pub struct Client {
    tenant: Tenant,
    signer: Signer,
    tls: Arc<ClientConfig>,
    host: String,
    port: u16,
    timeouts: Timeouts,
}

/// Why the client cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The base URL is not `https://host[:port]`.
    BadUrl(String),
    /// A certificate of the extra trust roots cannot be used.
    BadRoot(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::BadUrl(url) => write!(f, "{url} is not an https://host[:port] URL (the Telephony Integration REST API's base, e.g. https://acme.my.salesforce-scrt.com)"),
            ClientError::BadRoot(why) => write!(f, "a certificate of the CA file cannot be trusted: {why}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl Client {
    /// Trusts Mozilla's roots (Salesforce's certificates come from public CAs) and `extra_roots`.
    pub fn new(tenant: Tenant, signer: Signer, extra_roots: Vec<CertificateDer<'static>>, timeouts: Timeouts) -> Result<Client, ClientError> {
        let (host, port) = https_authority(&tenant.base_url).ok_or_else(|| ClientError::BadUrl(tenant.base_url.clone()))?;
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for root in extra_roots {
            roots.add(root).map_err(|e| ClientError::BadRoot(e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::BadRoot(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Client { tenant, signer, tls: Arc::new(tls), host, port, timeouts })
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// Sends `request` (signed at `now_s`, Unix seconds) and reads the answer.
    pub fn send(&self, request: &Request, now_s: u64) -> Answer {
        let Ok(token) = self.signer.token(&self.tenant, now_s) else { return Answer::NotSent };
        let Some(mut stream) = self.connect() else { return Answer::NotSent };
        let wire = scrt::http_request(&self.tenant, request);
        let authorization = format!("Bearer {token}");
        let headers = [("Authorization", authorization.as_str()), ("Content-Type", "application/json"), ("Telephony-Provider-Name", PROVIDER_NAME)];
        if http::write_request(&mut stream, wire.method, &self.host_header(), &wire.path, &headers, &wire.body).is_err() {
            return Answer::NoAnswer;
        }
        let Ok(reply) = http::read_response(&mut stream) else { return Answer::NoAnswer };
        match (reply.status, &request.kind) {
            (200..=299, RequestKind::Create(_)) => scrt::read_created(&reply.body),
            (200..=299, RequestKind::Reconcile { .. }) => Answer::Done,
            (code, _) => Answer::Status { code, retry_after_s: reply.retry_after_s },
        }
    }

    /// A TLS connection whose handshake is complete, or `None`: nothing was sent.
    fn connect(&self) -> Option<StreamOwned<ClientConnection, TcpStream>> {
        let addresses = (self.host.as_str(), self.port).to_socket_addrs().ok()?;
        let tcp = addresses.into_iter().find_map(|a| TcpStream::connect_timeout(&a, self.timeouts.connect).ok())?;
        tcp.set_read_timeout(Some(self.timeouts.answer)).ok()?;
        tcp.set_write_timeout(Some(self.timeouts.answer)).ok()?;
        let name = ServerName::try_from(self.host.clone()).ok()?;
        let connection = ClientConnection::new(self.tls.clone(), name).ok()?;
        let mut stream = StreamOwned::new(connection, tcp);
        while stream.conn.is_handshaking() {
            stream.conn.complete_io(&mut stream.sock).ok()?;
        }
        stream.flush().ok()?;
        Some(stream)
    }

    fn host_header(&self) -> String {
        if self.port == 443 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// `(host, port)` of an `https://host[:port]` URL (a trailing slash allowed, nothing else).
pub fn https_authority(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, 443),
    };
    let label_ok = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !host.split('.').all(label_ok) {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_https_origins_are_endpoints() {
        assert_eq!(https_authority("https://acme.my.salesforce-scrt.com"), Some(("acme.my.salesforce-scrt.com".into(), 443)));
        assert_eq!(https_authority("https://Acme.my.salesforce-scrt.com:8443/"), Some(("acme.my.salesforce-scrt.com".into(), 8443)));
        for bad in ["http://acme.my.salesforce-scrt.com", "https://acme.example/telephony", "https://user@acme.example", "https://", "https://a..b", "https://a:99999"] {
            assert_eq!(https_authority(bad), None, "{bad}");
        }
    }
}
