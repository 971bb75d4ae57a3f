//! What an instrumented call costs while the collector is down, hanging, or up, through
//! `init_with` and the OTLP/gRPC exporter: the call hands its span to a bounded queue and
//! returns. After each group: resident memory before and after, the time shutdown took
//! (timeout 2 s), and what the export reported.
//!
//! `cargo bench -p otel-genai-bench --bench collector`

#[path = "../../tests/tests/support/otlp_receiver.rs"]
mod otlp_receiver;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use otel_genai::init::{Config, Protocol, Signal};
use otel_genai::tool;

/// Looks a number up.
#[tool]
fn lookup(n: u64) -> u64 {
    n * 2
}

/// This process's resident memory, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn collector(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let hanging = runtime.block_on(otlp_receiver::Receiver::start_stalled());
    let up = runtime.block_on(otlp_receiver::Receiver::start());
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut group = c.benchmark_group("collector");
    for (name, endpoint) in [("down", format!("http://{down}")), ("hanging", hanging.endpoint()), ("up", up.endpoint())]
    {
        let config = Config::default()
            .service_name("collector-bench")
            .otlp_endpoint(endpoint)
            .protocol(Protocol::Grpc)
            .timeout(Duration::from_millis(500))
            .shutdown_timeout(Duration::from_secs(2))
            .exporters(Signal::Metrics, [])
            .exporters(Signal::Logs, []);
        let telemetry = otel_genai::init_with_diagnostics(config, std::io::sink()).unwrap();
        let before = rss_kib();
        group.bench_function(name, |b| b.iter(|| black_box(lookup(black_box(21)))));
        let after = rss_kib();
        let status = telemetry.export_status().remove(0);
        let started = Instant::now();
        telemetry.shutdown();
        let shutdown = started.elapsed();
        println!(
            "collector {name}: RSS {before} KiB -> {after} KiB; shutdown {shutdown:.2?}; spans produced {}, delivered {}, held {}, failed exports {}, outages {}",
            status.produced, status.delivered, status.held, status.failed_exports, status.outages
        );
    }
    group.finish();
}

criterion_group!(benches, collector);
criterion_main!(benches);
