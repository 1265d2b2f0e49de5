//! HTTPS without another program (`--tls-cert`, `--tls-key`): the certificate chain and its
//! key in PEM, served with rustls (ring), HTTP/1.1. Under TLS every answer also says
//! `Strict-Transport-Security` (never over plain HTTP, where it would mean nothing).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// One year, as browsers expect of a site that stays on HTTPS.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The acceptor for a certificate chain (leaf first) and its private key, both PEM files.
pub fn acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("cannot read the certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{}: not a PEM certificate chain", cert.display()))?;
    anyhow::ensure!(!chain.is_empty(), "{}: no certificate in it", cert.display());
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("{}: not a PEM private key (PKCS#8, PKCS#1 or SEC1)", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and the key do not belong together")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
