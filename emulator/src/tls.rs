//! `--tls`: a throwaway CA made at start, a certificate for `localhost`, `127.0.0.1` and
//! `astra.test` (a reserved name, for reaching it through a proxy, which loopback never is) signed by
//! it, and HTTPS with rustls, so that the CLI's production path (HTTPS, `SSL_CERT_FILE`, a proxy)
//! can be tried without an account. The CA's certificate is written to a file for
//! `SSL_CERT_FILE`; its key never leaves memory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The TLS side of the emulator: the acceptor and where the CA certificate was written.
pub struct Tls {
    pub acceptor: TlsAcceptor,
    pub ca_file: PathBuf,
}

/// Makes the CA and the server certificate, and writes the CA's PEM to `ca_file`.
pub fn generate(ca_file: &Path) -> Result<Tls, String> {
    let fail = |what: &str, err: &dyn std::fmt::Display| format!("cannot make the {what}: {err}");
    let ca_key = KeyPair::generate().map_err(|e| fail("CA key", &e))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail("CA", &e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "astra-emulator throwaway CA");
    let ca_cert = ca_params.self_signed(&ca_key).map_err(|e| fail("CA", &e))?;
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().map_err(|e| fail("server key", &e))?;
    let mut params = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "astra.test".to_owned(),
    ])
    .map_err(|e| fail("server certificate", &e))?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(|e| fail("server certificate", &e))?;

    if let Some(dir) = ca_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(ca_file, ca_cert.pem())
        .map_err(|e| format!("cannot write {}: {e}", ca_file.display()))?;

    let chain = vec![CertificateDer::from(cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| fail("TLS configuration", &e))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| fail("TLS configuration", &e))?;
    Ok(Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_file: ca_file.to_path_buf(),
    })
}

/// Serves `router` over HTTPS on `listener` until the task is dropped.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    acceptor: TlsAcceptor,
) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            // A client that does not trust the CA hangs up here; that is its business.
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = TowerToHyperService::new(router);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Where `--tls` writes the CA certificate when `--ca-file` is not given.
pub fn default_ca_file() -> PathBuf {
    std::env::temp_dir()
        .join(format!("astra-emulator-{}", std::process::id()))
        .join("ca.pem")
}
