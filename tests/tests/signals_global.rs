//! Process-wide settings, each test binary its own process: metrics with no tracer provider
//! and with spans sampled out, and a custom price table.

use opentelemetry::Value;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use otel_genai::testing::Capture;
use otel_genai::{Attributes, GenAiResponse, Price, Pricing, gen_ai_chat};

struct Reply(u32);

impl GenAiResponse for Reply {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.usage.input_tokens", self.0);
        attrs.set("gen_ai.usage.output_tokens", self.0);
    }
}

#[gen_ai_chat(provider = "acme", model = model)]
fn ask(model: &str, tokens: u32) -> Reply {
    Reply(tokens)
}

/// A reply naming the model that answered.
struct Answered(&'static str, u32);

impl GenAiResponse for Answered {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.response.model", self.0);
        attrs.set("gen_ai.usage.input_tokens", self.1);
    }
}

#[gen_ai_chat(provider = "acme", model = "small")]
fn routed(answered_by: &'static str, tokens: u32) -> Answered {
    Answered(answered_by, tokens)
}

#[gen_ai_chat(provider = "acme", model = "small")]
fn fail() -> Result<(), std::io::Error> {
    Err(std::io::Error::other("overloaded"))
}

/// The data points of `name`: (count, sum) for every attribute set.
fn points(exporter: &InMemoryMetricExporter, name: &str) -> Vec<(u64, f64)> {
    let exported = exporter.get_finished_metrics().unwrap();
    let Some(last) = exported.last() else { return Vec::new() };
    let mut found = Vec::new();
    for scope in last.scope_metrics() {
        for metric in scope.metrics().filter(|metric| metric.name() == name) {
            match metric.data() {
                AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                    found.extend(h.data_points().map(|p| (p.count(), p.sum())));
                }
                AggregatedMetrics::U64(MetricData::Histogram(h)) => {
                    found.extend(h.data_points().map(|p| (p.count(), p.sum() as f64)));
                }
                _ => {}
            }
        }
    }
    found
}

#[test]
fn metrics_need_no_tracer_and_no_sampled_span_and_prices_can_be_set() {
    // Spans before any provider is installed: the thread learns that nothing records...
    ask("small", 1);
    ask("small", 1);
    // ...and picks up a meter provider installed late from its next span on.
    let exporter = InMemoryMetricExporter::default();
    let meters = SdkMeterProvider::builder().with_reader(PeriodicReader::builder(exporter.clone()).build()).build();
    otel_genai::set_meter_provider(meters.clone());
    otel_genai::set_pricing(Pricing::new().quiet().with("acme", "small", Price::new(1.0, 2.0)));

    // No tracer provider at all.
    ask("small", 1_000_000);
    meters.force_flush().unwrap();
    assert_eq!(points(&exporter, "gen_ai.client.operation.duration").len(), 1);
    assert_eq!(points(&exporter, "gen_ai.usage.cost"), [(1, 3.0)], "1M input at 1 USD, 1M output at 2 USD");

    // A tracer provider that samples nothing: still measured.
    let tracer = SdkTracerProvider::builder().with_sampler(Sampler::AlwaysOff).build();
    otel_genai::set_tracer_provider(tracer);
    ask("small", 10);
    ask("unpriced", 10);
    meters.force_flush().unwrap();
    assert_eq!(points(&exporter, "gen_ai.client.operation.duration").iter().map(|p| p.0).sum::<u64>(), 3);
    assert_eq!(points(&exporter, "gen_ai.usage.cost"), [(2, 3.0 + 30.0 / 1e6)], "the unpriced model costs nothing");

    // Spans carry the cost of the table in use, priced by the model that answered, else the
    // one asked for.
    otel_genai::set_pricing(Pricing::new().quiet().with("acme", "small", Price::new(1.0, 2.0)).with(
        "acme",
        "big",
        Price::new(10.0, 20.0),
    ));
    let capture = Capture::install_global();
    ask("small", 500_000);
    ask("unpriced", 10);
    routed("big", 1_000_000);
    routed("unpriced-answer", 1_000_000);
    let spans = capture.spans();
    let cost_of = |index: usize| -> Option<Value> {
        spans[index].attributes.iter().find(|kv| kv.key.as_str() == "gen_ai.usage.cost").map(|kv| kv.value.clone())
    };
    assert_eq!(cost_of(2), Some(Value::F64(10.0)), "the answering model's price");
    assert_eq!(cost_of(3), Some(Value::F64(1.0)), "unpriced answer: the requested model's price");
    assert_eq!(
        spans[0].attributes.iter().find(|kv| kv.key.as_str() == "gen_ai.usage.cost").map(|kv| kv.value.clone()),
        Some(Value::F64(1.5))
    );
    assert!(spans[1].attributes.iter().all(|kv| kv.key.as_str() != "gen_ai.usage.cost"));

    // Events also on spans, for backends that read only traces.
    otel_genai::set_events_on_spans(true);
    capture.clear();
    let _ = fail();
    let span = capture.spans().remove(0);
    let names: Vec<&str> = span.events.iter().map(|event| event.name.as_ref()).collect();
    assert_eq!(names, ["gen_ai.client.operation.exception", "exception"]);
    assert_eq!(capture.events()[0].name, Some("gen_ai.client.operation.exception"));
}
