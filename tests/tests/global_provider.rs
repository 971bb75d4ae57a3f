//! The global provider: one installed after the first instrumented call is honoured —
//! at once through `otel_genai::set_tracer_provider`, within `REFRESH_EVERY` spans a thread
//! through `opentelemetry::global` — and samplers see the start attributes.
//!
//! One test function: the global provider is process-wide state.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use opentelemetry::trace::{Link, SpanKind, TraceContextExt};
use opentelemetry::{Context, KeyValue, Value};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    SamplingDecision, SamplingResult, SdkTracerProvider, ShouldSample, SpanData, SpanExporter,
};
use otel_genai::testing::Capture;
use otel_genai::{Attributes, GenAiRequest, gen_ai_chat, tool};

struct Request {
    model: &'static str,
}

impl GenAiRequest for Request {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.request.model", self.model);
    }
}

#[gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
fn chat(req: &Request) -> u8 {
    let _ = req;
    1
}

#[tool]
fn ping() -> bool {
    true
}

/// A span name and the attributes the sampler was shown.
type SamplingCall = (String, Vec<KeyValue>);

/// Records what it was asked, keeps only `chat` spans.
#[derive(Debug, Clone, Default)]
struct RecordingSampler {
    seen: Arc<Mutex<Vec<SamplingCall>>>,
}

impl ShouldSample for RecordingSampler {
    fn should_sample(
        &self,
        parent: Option<&Context>,
        _trace_id: opentelemetry::trace::TraceId,
        name: &str,
        _kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        self.seen.lock().unwrap().push((name.to_owned(), attributes.to_vec()));
        let keep = name.starts_with("chat");
        SamplingResult {
            decision: if keep { SamplingDecision::RecordAndSample } else { SamplingDecision::Drop },
            attributes: Vec::new(),
            trace_state: parent.map(|cx| cx.span().span_context().trace_state().clone()).unwrap_or_default(),
        }
    }
}

#[test]
fn the_global_provider_is_read_at_span_time() {
    // No provider yet: the calls work and record nothing anywhere.
    assert_eq!(chat(&Request { model: "gpt-4o" }), 1);

    // A provider installed after the first call is honoured.
    let capture = Capture::install_global();
    assert!(ping());
    let tree = capture.tree();
    assert_eq!(tree.outline(), "execute_tool ping\n");
    assert_eq!(tree.root().data().instrumentation_scope.name(), "otel-genai");

    // A provider the application built itself, with its own sampler, works too, and the
    // sampler sees the start attributes.
    let sampler = RecordingSampler::default();
    let provider = SdkTracerProvider::builder().with_sampler(sampler.clone()).build();
    otel_genai::set_tracer_provider(provider.clone());
    assert_eq!(chat(&Request { model: "gpt-4o" }), 1);
    assert!(ping());
    let seen = sampler.seen.lock().unwrap().clone();
    let names: Vec<&str> = seen.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["chat gpt-4o", "execute_tool ping"]);
    let chat_attributes = &seen[0].1;
    let value = |key: &str| chat_attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.clone());
    assert_eq!(value("gen_ai.operation.name"), Some(Value::from("chat")));
    assert_eq!(value("gen_ai.provider.name"), Some(Value::from("openai")));
    assert_eq!(value("gen_ai.request.model"), Some(Value::from("gpt-4o")));
    assert_eq!(value("server.address"), Some(Value::from("api.openai.com")));
    assert_eq!(value("server.port"), Some(Value::I64(443)));
    let ping_attributes = &seen[1].1;
    assert!(ping_attributes.contains(&KeyValue::new("gen_ai.tool.name", "ping")));
    assert!(ping_attributes.contains(&KeyValue::new("gen_ai.tool.type", "function")));
    // The earlier capture no longer receives spans.
    assert_eq!(capture.tree().len(), 1);

    // A provider installed straight through `opentelemetry::global` replaces a live one
    // within `REFRESH_EVERY` spans on each thread.
    let counted = Counting::default();
    let direct = SdkTracerProvider::builder().with_simple_exporter(counted.clone()).build();
    opentelemetry::global::set_tracer_provider(direct.clone());
    let mut calls = 0;
    while counted.0.load(Ordering::SeqCst) == 0 && calls < 1_000 {
        assert!(ping());
        calls += 1;
    }
    assert!(calls <= otel_genai::REFRESH_EVERY as usize, "taken up after {calls} spans");
    let _ = provider.shutdown();
    let _ = direct.shutdown();
}

/// Counts the spans it is given.
#[derive(Debug, Clone, Default)]
struct Counting(Arc<AtomicUsize>);

impl SpanExporter for Counting {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.0.fetch_add(batch.len(), Ordering::SeqCst);
        Ok(())
    }
}

use otel_genai::content::messages::{ChatMessage, FinishReason, OutputMessage, Part};

#[derive(GenAiRequest)]
struct PromptRequest {
    model: String,
    #[gen_ai(input.messages)]
    messages: Vec<ChatMessage<'static>>,
}

#[derive(otel_genai::GenAiResponse)]
struct PromptResponse {
    #[gen_ai(output.messages)]
    messages: Vec<OutputMessage<'static>>,
}

#[gen_ai_chat(provider = "openai", request = req, attributes(gen_ai.system_instructions = "Be brief."))]
fn prompt(req: &PromptRequest) -> PromptResponse {
    let answer = |message: &ChatMessage| match &message.parts[0] {
        Part::Text(text) => OutputMessage::new(vec![Part::text(text.to_uppercase())], FinishReason::Stop),
        _ => OutputMessage::new(Vec::new(), FinishReason::Error),
    };
    PromptResponse { messages: req.messages.iter().map(answer).collect() }
}

// The capture switch is process-wide; this is the only test that turns it on.
#[test]
fn message_content_is_recorded_only_when_capture_is_on() {
    let request = PromptRequest { model: "gpt-4o".to_owned(), messages: vec![ChatMessage::text("user", "hi")] };
    let capture = Capture::new();
    otel_genai::set_capture_message_content(false);
    capture.in_scope(|| prompt(&request));
    otel_genai::set_capture_message_content(true);
    capture.in_scope(|| prompt(&request));
    otel_genai::set_capture_message_content(false);

    let tree = capture.tree();
    let [without, with] = tree.find_all("chat gpt-4o")[..] else { panic!("two spans:\n{tree}") };
    for key in ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"] {
        assert_eq!(without.attr(key), None, "{key} recorded with capture off");
    }
    let json = |key: &str| serde_json::from_str::<serde_json::Value>(with.str_attr(key).unwrap()).unwrap();
    assert_eq!(
        json("gen_ai.input.messages"),
        serde_json::json!([{"role": "user", "parts": [{"type": "text", "content": "hi"}]}])
    );
    assert_eq!(
        json("gen_ai.output.messages"),
        serde_json::json!([{"role": "assistant", "parts": [{"type": "text", "content": "HI"}], "finish_reason": "stop"}])
    );
    assert_eq!(json("gen_ai.system_instructions"), serde_json::json!([{"type": "text", "content": "Be brief."}]));
}
