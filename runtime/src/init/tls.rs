//! TLS for `https://` OTLP endpoints (the `otlp-tls` feature): rustls with ring, trusting the
//! system's roots or only the certificates `OTEL_EXPORTER_OTLP_CERTIFICATE` names, and
//! presenting a client certificate to collectors that ask for mutual TLS.
//!
//! gRPC (tonic) and HTTP (our hyper client) get the same roots and identity, and every file
//! is read and checked at `init`, so a wrong path or a key that does not match its
//! certificate is an error there, not a failed export later.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use hyper_util::client::legacy::connect::HttpConnector;
use opentelemetry_otlp::tonic_types::transport::{ClientTlsConfig, Identity};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::InitError;
use super::config::{OtlpTarget, Signal};

/// The connector our OTLP/HTTP client speaks through: `http://` as is, `https://` over TLS.
pub(crate) type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// One target's TLS settings, read from its files: for tonic, the roots and the client
/// identity's PEM; for our HTTP client, the rustls configuration built from them.
pub(crate) struct Tls {
    roots: Arc<RootCertStore>,
    /// The client certificate chain and key, in PEM.
    identity: Option<(Vec<u8>, Vec<u8>)>,
    http: rustls::ClientConfig,
}

impl Tls {
    /// Reads the target's files, or the system's roots when it names none. For an
    /// `http://` endpoint nothing is read: TLS is never used.
    pub(crate) fn load(signal: Signal, target: &OtlpTarget) -> Result<Option<Tls>, InitError> {
        if !target.endpoint.starts_with("https://") {
            return Ok(None);
        }
        let fail = |reason: String| InitError::Exporter { signal, endpoint: target.endpoint.clone(), reason };
        let files = &target.tls;
        let roots = match &files.certificate {
            Some(path) => {
                let (_, certificates) = read_certificates(path, "OTEL_EXPORTER_OTLP_CERTIFICATE").map_err(fail)?;
                let mut roots = RootCertStore::empty();
                for certificate in certificates {
                    roots.add(certificate).map_err(|error| {
                        fail(format!(
                            "{} (OTEL_EXPORTER_OTLP_CERTIFICATE) holds a certificate that cannot be trusted: {error}",
                            path.display()
                        ))
                    })?;
                }
                Arc::new(roots)
            }
            None => system_roots().map_err(|reason| fail(reason.clone()))?,
        };
        let identity = match (&files.client_certificate, &files.client_key) {
            (None, None) => None,
            (Some(certificate), Some(key)) => {
                let (chain_pem, chain) =
                    read_certificates(certificate, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE").map_err(fail)?;
                let key_pem = read(key, "OTEL_EXPORTER_OTLP_CLIENT_KEY").map_err(fail)?;
                let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|error| {
                    fail(format!(
                        "{} (OTEL_EXPORTER_OTLP_CLIENT_KEY) holds no private key in PEM: {error}",
                        key.display()
                    ))
                })?;
                Some(((chain_pem, key_pem), (chain, key)))
            }
            (Some(_), None) => {
                return Err(fail(
                    "a client certificate is set but no client key (OTEL_EXPORTER_OTLP_CLIENT_KEY)".to_owned(),
                ));
            }
            (None, Some(_)) => {
                return Err(fail(
                    "a client key is set but no client certificate (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)".to_owned(),
                ));
            }
        };
        let (identity, der) = identity.unzip();
        // Built here, so a key that does not match its certificate fails `init`.
        let http = rustls_config(&roots, der).map_err(fail)?;
        Ok(Some(Tls { roots, identity, http }))
    }

    /// The same roots and identity for tonic.
    pub(crate) fn grpc(&self) -> ClientTlsConfig {
        let config = ClientTlsConfig::new().trust_anchors(self.roots.roots.iter().cloned());
        match &self.identity {
            Some((chain, key)) => config.identity(Identity::from_pem(chain, key)),
            None => config,
        }
    }
}

/// The rustls configuration of `roots` and the client identity (chain and key), if any.
fn rustls_config(
    roots: &Arc<RootCertStore>,
    identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<rustls::ClientConfig, String> {
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_root_certificates(roots.clone());
    match identity {
        Some((chain, key)) => builder
            .with_client_auth_cert(chain, key)
            .map_err(|error| format!("the client certificate and key do not go together: {error}")),
        None => Ok(builder.with_no_client_auth()),
    }
}

/// The HTTP client's connector: TLS with `tls` for `https://`, plain TCP otherwise.
pub(crate) fn connector(tls: Option<&Tls>) -> Connector {
    let config = match tls {
        Some(tls) => tls.http.clone(),
        // Never used: the endpoint is http://.
        None => rustls_config(&Arc::new(RootCertStore::empty()), None).expect("ring supports the default versions"),
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}

/// The system's trusted roots, loaded once per process.
fn system_roots() -> Result<Arc<RootCertStore>, &'static String> {
    static ROOTS: OnceLock<Result<Arc<RootCertStore>, String>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = RootCertStore::empty();
            let (_added, _unusable) = roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                let errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
                return Err(format!(
                    "found no trusted root certificates on this system{}; set OTEL_EXPORTER_OTLP_CERTIFICATE \
                     to a PEM file with the collector's CA",
                    if errors.is_empty() { String::new() } else { format!(" ({})", errors.join("; ")) }
                ));
            }
            Ok(Arc::new(roots))
        })
        .as_ref()
        .map(Arc::clone)
}

fn read(path: &Path, variable: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|error| format!("cannot read {} ({variable}): {error}", path.display()))
}

/// A PEM file's bytes and the certificates in it (at least one).
fn read_certificates(path: &Path, variable: &str) -> Result<(Vec<u8>, Vec<CertificateDer<'static>>), String> {
    let pem = read(path, variable)?;
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("{} ({variable}) is not valid PEM: {error}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!(
            "{} ({variable}) holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok((pem, certificates))
}
