//! HTTPS: serving with rustls, and throw-away certificates for tests (a CA plus a server
//! certificate for 127.0.0.1 / localhost / ::1), since self-signed HTTPS is common on site.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, ServerConfig};

/// A server certificate chain and its private key, both PEM.
#[derive(Clone)]
pub struct TlsConfig {
    /// Leaf first, then any intermediates.
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for TlsConfig {
    // Keeps the private key out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

impl TlsConfig {
    pub fn from_files(cert: &Path, key: &Path) -> anyhow::Result<Self> {
        Ok(TlsConfig {
            cert_pem: std::fs::read_to_string(cert)
                .with_context(|| format!("reading {}", cert.display()))?,
            key_pem: std::fs::read_to_string(key)
                .with_context(|| format!("reading {}", key.display()))?,
        })
    }
}

/// A test CA and a server certificate it signed.
#[derive(Clone)]
pub struct TestCerts {
    /// Trust this in the client (e.g. reqwest `Certificate::from_pem`).
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestCerts {
    pub fn tls_config(&self) -> TlsConfig {
        TlsConfig { cert_pem: self.cert_pem.clone(), key_pem: self.key_pem.clone() }
    }
}

/// Generates a fresh CA and a server certificate for 127.0.0.1, ::1 and localhost.
pub fn self_signed() -> anyhow::Result<TestCerts> {
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "zkbiotime-sandbox test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key)?;

    let key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(vec![
        "127.0.0.1".to_string(),
        "::1".to_string(),
        "localhost".to_string(),
    ])?;
    leaf.distinguished_name.push(DnType::CommonName, "zkbiotime-sandbox");
    leaf.is_ca = IsCa::NoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key)?;
    Ok(TestCerts {
        ca_pem: ca_cert.pem(),
        // The chain a client needs: leaf then CA.
        cert_pem: format!("{}{}", cert.pem(), ca_cert.pem()),
        key_pem: key.serialize_pem(),
    })
}

/// Builds the acceptor (HTTP/2 and HTTP/1.1 by ALPN).
pub fn acceptor(cfg: &TlsConfig) -> anyhow::Result<TlsAcceptor> {
    let certs = CertificateDer::pem_slice_iter(cfg.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .context("parsing the certificate PEM")?;
    anyhow::ensure!(!certs.is_empty(), "no certificate in the certificate PEM");
    let key = PrivateKeyDer::from_pem_slice(cfg.key_pem.as_bytes())
        .context("parsing the private key PEM")?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
