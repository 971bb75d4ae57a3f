//! Content is built only where it can go: in an `EVENT_*` mode with no logger (even with
//! events on spans: the details event never goes there) a model call builds none, in a `SPAN_*` mode it goes on the span, and once a
//! logger is set the details event gets it. The redactor sees every value that is built,
//! so it counts them. Capture mode, redactor and providers are process-wide: one test.

use std::sync::atomic::{AtomicUsize, Ordering};

use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use otel_genai::content::messages::{ChatMessage, Role};
use otel_genai::content::{CaptureMode, set_capture_mode, set_content_redactor};
use otel_genai::{GenAiRequest, gen_ai_chat};

#[derive(GenAiRequest)]
struct Request {
    model: String,
    #[gen_ai(input.messages)]
    messages: Vec<ChatMessage<'static>>,
}

#[gen_ai_chat(provider = "openai", request = req)]
fn chat(req: &Request) {
    let _ = req;
}

static BUILT: AtomicUsize = AtomicUsize::new(0);

fn call() -> usize {
    let before = BUILT.load(Ordering::SeqCst);
    chat(&Request { model: "gpt-4o".into(), messages: vec![ChatMessage::text(Role::User, "What is the weather?")] });
    BUILT.load(Ordering::SeqCst) - before
}

#[test]
fn content_with_nowhere_to_go_is_not_built() {
    set_content_redactor(|_, _| {
        BUILT.fetch_add(1, Ordering::SeqCst);
    });
    let spans = InMemorySpanExporter::default();
    let tracer = SdkTracerProvider::builder().with_simple_exporter(spans.clone()).build();
    otel_genai::set_tracer_provider(tracer.clone());
    let has_messages = |spans: &InMemorySpanExporter| {
        let finished = spans.get_finished_spans().unwrap();
        let last = finished.last().unwrap();
        last.attributes.iter().any(|kv| kv.key.as_str() == "gen_ai.input.messages")
    };

    // EVENT_ONLY, no logger: the details event goes nowhere, so nothing is built.
    set_capture_mode(CaptureMode::EventOnly);
    assert_eq!(call(), 0);
    assert!(!has_messages(&spans));
    // Nor with events on spans: content stays off spans in this mode.
    otel_genai::set_events_on_spans(true);
    assert_eq!(call(), 0);
    let finished = spans.get_finished_spans().unwrap();
    assert!(finished.last().unwrap().events.is_empty());
    otel_genai::set_events_on_spans(false);

    // SPAN_ONLY: built once, for the span.
    set_capture_mode(CaptureMode::SpanOnly);
    assert_eq!(call(), 1);
    assert!(has_messages(&spans));

    // EVENT_ONLY with a logger: built for the details event, kept off the span.
    let logs = InMemoryLogExporter::default();
    let logger = SdkLoggerProvider::builder().with_simple_exporter(logs.clone()).build();
    otel_genai::set_logger_provider(&logger);
    set_capture_mode(CaptureMode::EventOnly);
    assert_eq!(call(), 1);
    assert!(!has_messages(&spans));
    let emitted = logs.get_emitted_logs().unwrap();
    let details = emitted.last().unwrap();
    assert_eq!(details.record.event_name(), Some("gen_ai.client.inference.operation.details"));
    assert!(details.record.attributes_iter().any(|(key, _)| key.as_str() == "gen_ai.input.messages"));

    // SPAN_AND_EVENT: built once, for both the span and the details event.
    set_capture_mode(CaptureMode::SpanAndEvent);
    assert_eq!(call(), 1);
    assert!(has_messages(&spans));
    let emitted = logs.get_emitted_logs().unwrap();
    assert!(emitted.last().unwrap().record.attributes_iter().any(|(key, _)| key.as_str() == "gen_ai.input.messages"));
    set_capture_mode(CaptureMode::NoContent);
}
