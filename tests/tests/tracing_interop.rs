//! A good citizen in `tracing` apps: `tracing` spans exported through
//! `tracing-opentelemetry` and the span macros' spans form one trace, nested as the code
//! nests, in both directions; a `tracing` event lands on the `tracing` span it is in.
//!
//! The tracing subscriber and the tracer provider are process-wide here, as in an
//! application: one test in this binary.

use opentelemetry::trace::{SpanId, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use otel_genai::{agent, tool};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;

/// Looks a word up.
#[tool]
fn lookup(word: &str) -> usize {
    tracing::info!(word, "looking up");
    word.len()
}

/// Plans with its memory.
#[agent(name = "planner")]
async fn plan(task: &str) -> usize {
    let memory = tracing::info_span!("load_memory");
    async {
        tracing::info!("memory loaded");
        lookup(task)
    }
    .instrument(memory)
    .await
}

fn span<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|span| span.name == name).unwrap_or_else(|| panic!("no span {name} in {spans:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracing_spans_and_macro_spans_form_one_trace() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    otel_genai::set_tracer_provider(provider.clone());
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("app"));
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer)).unwrap();

    let found = plan("rust").instrument(tracing::info_span!("handle_request")).await;
    assert_eq!(found, 4);
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();

    let request = span(&spans, "handle_request");
    let agent = span(&spans, "invoke_agent planner");
    let memory = span(&spans, "load_memory");
    let tool = span(&spans, "execute_tool lookup");
    let trace = request.span_context.trace_id();
    for child in [agent, memory, tool] {
        assert_eq!(child.span_context.trace_id(), trace, "{} is in the request's trace", child.name);
    }
    // tracing → macro → tracing → macro, each the parent of the next.
    assert_eq!(request.parent_span_id, SpanId::INVALID);
    assert_eq!(agent.parent_span_id, request.span_context.span_id());
    assert_eq!(memory.parent_span_id, agent.span_context.span_id());
    assert_eq!(tool.parent_span_id, memory.span_context.span_id());
    // A tracing event is an event of the tracing span it is recorded in: inside the tool
    // (no tracing span of its own), the nearest one, `load_memory`.
    let events: Vec<&str> = memory.events.iter().map(|event| event.name.as_ref()).collect();
    assert_eq!(events, ["memory loaded", "looking up"]);
    assert!(tool.events.is_empty() && agent.events.is_empty());
    let _ = provider.shutdown();
}
