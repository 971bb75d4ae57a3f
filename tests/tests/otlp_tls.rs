//! OTLP over TLS (the `otlp-tls` feature): gRPC and HTTP reach an `https://` receiver on
//! loopback that trusts nothing but the test CA; a collector whose certificate is not trusted
//! is refused at the handshake and the cause is said; mutual TLS presents the client
//! certificate; bad files fail `init` naming the file and the variable.

#[path = "support/otlp_receiver.rs"]
mod otlp_receiver;
#[path = "support/tls_receiver.rs"]
mod tls_receiver;
#[path = "support/written.rs"]
mod written;

use std::time::Duration;

use otel_genai::init::{Config, ExportStatus, InitError, Protocol, Signal};
use otel_genai::tool;
use tls_receiver::tls_file;
use written::Written;

/// `init` installs global providers: one test at a time.
static GLOBAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Looks up a fact.
#[tool]
async fn lookup(n: u64) -> u64 {
    n + 1
}

fn traces(status: &[ExportStatus]) -> ExportStatus {
    status.iter().find(|s| s.signal == Signal::Traces).unwrap().clone()
}

/// The variables a user sets, looked up from a list.
fn variables(pairs: Vec<(&'static str, String)>) -> Config {
    Config::from_lookup(move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()))
        .unwrap()
        .exporters(Signal::Metrics, [])
        .exporters(Signal::Logs, [])
        .timeout(Duration::from_secs(3))
}

/// Three calls exported with `config`; what the exporter says about it.
async fn export(config: Config) -> (ExportStatus, Written) {
    let diagnostics = Written::default();
    let telemetry = otel_genai::init_with_diagnostics(config, diagnostics.clone()).unwrap();
    for i in 0..3 {
        assert_eq!(lookup(i).await, i + 1);
    }
    tokio::task::block_in_place(|| telemetry.flush());
    let status = traces(&telemetry.export_status());
    tokio::task::block_in_place(|| telemetry.shutdown());
    (status, diagnostics)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_protocol_reaches_an_https_collector_that_the_named_ca_signed() {
    let _one = GLOBAL.lock().await;
    for protocol in ["grpc", "http/protobuf", "http/json"] {
        let receiver = tls_receiver::start(false).await;
        let config = variables(vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", tls_file("ca.pem").display().to_string()),
            ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20secret".to_owned()),
        ]);
        let (status, diagnostics) = export(config).await;
        assert_eq!((status.produced, status.delivered, status.failed_exports), (3, 3, 0), "{protocol}: {status:?}");
        let received = receiver.received();
        assert_eq!(receiver.span_count(), 3, "{protocol}");
        assert!(received.requests.iter().all(|(kind, _)| *kind == protocol), "{protocol}: {:?}", received.requests);
        assert!(received.header("authorization").iter().all(|a| a.as_deref() == Some("Bearer secret")));
        assert_eq!(received.handshake_failures, Vec::<String>::new());
        let announced = format!("exporting traces over OTLP ({protocol}) to {}", receiver.endpoint());
        assert_eq!(diagnostics.lines(), [format!("otel-genai: {announced}")], "{protocol}");
        println!("{protocol}: {} spans over TLS to {}", receiver.span_count(), receiver.endpoint());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_whose_certificate_is_not_trusted_gets_nothing_and_the_cause_is_said() {
    let _one = GLOBAL.lock().await;
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let receiver = tls_receiver::start(false).await;
        let config = variables(vec![])
            .otlp_endpoint(receiver.endpoint())
            .protocol(protocol)
            .certificate(tls_file("other-ca.pem"));
        let (status, diagnostics) = export(config).await;
        assert_eq!(status.delivered, 0, "{protocol}: {status:?}");
        assert_eq!((status.held, status.dropped, status.outages), (3, 0, 1), "{protocol}: {status:?}");
        assert_eq!(receiver.span_count(), 0);
        let failures = receiver.handshake_failures().await;
        assert!(!failures.is_empty(), "{protocol}: the receiver saw no handshake");
        let reported: Vec<String> =
            diagnostics.lines().into_iter().filter(|line| line.contains("cannot export traces")).collect();
        assert_eq!(reported.len(), 1, "{protocol}: {:?}", diagnostics.lines());
        assert!(reported[0].contains("UnknownIssuer"), "{protocol}: {}", reported[0]);
        println!("{protocol}: {}\n  receiver: {}", reported[0], failures[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_presents_the_client_certificate() {
    let _one = GLOBAL.lock().await;
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        // With the client certificate and key (the variables), the receiver lets the exports in.
        let receiver = tls_receiver::start(true).await;
        let config = variables(vec![
            ("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", tls_file("ca.pem").display().to_string()),
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", tls_file("client.pem").display().to_string()),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY", tls_file("client.key").display().to_string()),
        ])
        .otlp_endpoint(receiver.endpoint())
        .protocol(protocol);
        let (status, _) = export(config).await;
        assert_eq!((status.delivered, status.failed_exports), (3, 0), "{protocol}: {status:?}");
        assert_eq!(receiver.span_count(), 3);

        // Without them, the handshake fails and nothing arrives.
        let receiver = tls_receiver::start(true).await;
        let config =
            variables(vec![]).otlp_endpoint(receiver.endpoint()).protocol(protocol).certificate(tls_file("ca.pem"));
        let (status, diagnostics) = export(config).await;
        assert_eq!(status.delivered, 0, "{protocol}: {status:?}");
        assert_eq!((status.held, status.dropped, status.outages), (3, 0, 1), "{protocol}: {status:?}");
        assert_eq!(receiver.span_count(), 0);
        let failures = receiver.handshake_failures().await;
        assert!(failures.iter().any(|f| f.contains("certificate")), "{protocol}: {failures:?}");
        // An outage (the spans are held for a collector that lets them in), not a refusal.
        assert_eq!(diagnostics.count("cannot export traces"), 1, "{protocol}: {:?}", diagnostics.lines());
        assert_eq!(diagnostics.count("refused"), 0, "{protocol}: {:?}", diagnostics.lines());
    }
}

fn init_error(config: Config) -> String {
    match otel_genai::init_with_diagnostics(
        config.exporters(Signal::Metrics, []).exporters(Signal::Logs, []),
        std::io::sink(),
    ) {
        Err(error @ InitError::Exporter { .. }) => error.to_string(),
        Err(other) => panic!("expected an exporter error, got {other}"),
        Ok(_) => panic!("init accepted the files"),
    }
}

#[test]
fn bad_tls_files_fail_init_naming_the_file_and_the_variable() {
    let base = Config::default().otlp_endpoint("https://127.0.0.1:4318");
    let endpoint = "cannot export traces to https://127.0.0.1:4318/v1/traces";
    let missing = tls_file("missing.pem");
    assert_eq!(
        init_error(base.clone().certificate(&missing)),
        format!(
            "{endpoint}: cannot read {} (OTEL_EXPORTER_OTLP_CERTIFICATE): No such file or directory (os error 2)",
            missing.display()
        )
    );
    let key = tls_file("server.key");
    assert_eq!(
        init_error(base.clone().certificate(&key)),
        format!(
            "{endpoint}: {} (OTEL_EXPORTER_OTLP_CERTIFICATE) holds no certificate (expected PEM: -----BEGIN \
             CERTIFICATE-----)",
            key.display()
        )
    );
    let error = init_error(base.clone().client_identity(tls_file("client.pem"), tls_file("server.key")));
    assert!(error.starts_with(&format!("{endpoint}: the client certificate and key do not go together")), "{error}");
    let error = init_error(base.clone().client_identity(tls_file("client.pem"), tls_file("ca.pem")));
    assert!(error.contains("(OTEL_EXPORTER_OTLP_CLIENT_KEY) holds no private key in PEM"), "{error}");

    let only_key = Config::from_lookup(|name| match name {
        "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("https://127.0.0.1:4317".into()),
        "OTEL_EXPORTER_OTLP_CLIENT_KEY" => Some("client.key".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(
        init_error(only_key),
        "cannot export traces to https://127.0.0.1:4317: a client key is set but no client certificate \
         (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)"
    );
}
