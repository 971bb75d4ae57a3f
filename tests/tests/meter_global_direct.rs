//! A meter provider installed straight through `opentelemetry::global` (not through
//! `otel_genai::set_meter_provider`) is taken up within `REFRESH_EVERY` calls on a thread that
//! had already looked at the global provider, as the tracer is.

use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use otel_genai::tool;

/// Pings.
#[tool]
fn ping() -> bool {
    true
}

fn recorded(exporter: &InMemoryMetricExporter) -> bool {
    exporter.get_finished_metrics().unwrap().iter().any(|resource| {
        resource
            .scope_metrics()
            .any(|scope| scope.metrics().any(|metric| metric.name() == "gen_ai.execute_tool.duration"))
    })
}

#[test]
fn a_meter_provider_installed_directly_is_taken_up() {
    // The thread looks at the global (no-op) provider first.
    for _ in 0..3 {
        assert!(ping());
    }
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder().with_reader(PeriodicReader::builder(exporter.clone()).build()).build();
    opentelemetry::global::set_meter_provider(provider.clone());
    let mut calls = 0;
    while !recorded(&exporter) && calls < 1_000 {
        assert!(ping());
        calls += 1;
        provider.force_flush().unwrap();
    }
    assert!(recorded(&exporter), "no tool duration after {calls} calls");
    assert!(calls <= otel_genai::REFRESH_EVERY as usize, "taken up after {calls} calls");
    let _ = provider.shutdown();
}
