//! Agent totals with only a tracer provider installed (no meter): tool and model calls
//! still count.

use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use otel_genai::{Attributes, GenAiResponse, agent, gen_ai_chat, tool};

struct Reply;

impl GenAiResponse for Reply {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.usage.input_tokens", 5_u32);
        attrs.set("gen_ai.usage.output_tokens", 2_u32);
    }
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
fn ask() -> Reply {
    Reply
}

#[tool]
fn look() {}

#[agent(name = "solo")]
fn solo() {
    ask();
    look();
    look();
}

#[test]
fn tool_and_model_calls_count_with_traces_alone() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    otel_genai::set_tracer_provider(provider.clone());
    solo();
    let spans = exporter.get_finished_spans().unwrap();
    let agent = spans.iter().find(|span| span.name == "invoke_agent solo").unwrap();
    let total = |key: &str| agent.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.to_string());
    assert_eq!(total("otel_genai.total.tool_calls").as_deref(), Some("2"));
    assert_eq!(total("otel_genai.total.inference_calls").as_deref(), Some("1"));
    assert_eq!(total("otel_genai.total.input_tokens").as_deref(), Some("5"));
}
