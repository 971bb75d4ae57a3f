//! A header set in code wins over the same header in `OTEL_EXPORTER_OTLP_HEADERS`, which the
//! exporters also read from the process environment by themselves: over gRPC and HTTP.

#[path = "support/otlp_receiver.rs"]
mod otlp_receiver;

use otel_genai::init::{Config, Protocol, Signal};
use otel_genai::tool;
use otlp_receiver::Receiver;

/// Looks up a fact.
#[tool]
async fn lookup(n: u64) -> u64 {
    n + 1
}

#[test]
fn a_header_set_in_code_wins_over_the_environment() {
    // Set before any thread starts: the only test of this binary.
    unsafe { std::env::set_var("OTEL_EXPORTER_OTLP_HEADERS", "authorization=from-env") };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
            let receiver = Receiver::start().await;
            let config = Config::default()
                .otlp_endpoint(receiver.endpoint())
                .protocol(protocol)
                .header("authorization", "from-config")
                // A gRPC binary header (base64 on the wire) goes too; over HTTP it is any header.
                .header("x-trace-tag-bin", "dGFn")
                .exporters(Signal::Metrics, [])
                .exporters(Signal::Logs, [])
                .announce(false);
            let telemetry = otel_genai::init_with(config).unwrap();
            assert_eq!(lookup(1).await, 2);
            tokio::task::block_in_place(|| telemetry.shutdown());
            let received = receiver.received();
            assert_eq!(received.header("authorization"), [Some("from-config".to_owned())], "{protocol}");
            assert_eq!(received.header("x-trace-tag-bin"), [Some("dGFn".to_owned())], "{protocol}");
        }
    });
}
