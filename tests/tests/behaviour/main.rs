//! Behaviour of the span macros, observed through the real OpenTelemetry SDK with the
//! in-memory exporter of `otel_genai::testing`.

mod context;
mod derives;
mod events;
mod later;
mod nesting;
mod outcome;
mod shapes;
mod signals;
mod spans;
mod streams;

use opentelemetry::{Array, Value};
use otel_genai::{Attributes, GenAiRequest, GenAiResponse};

/// A request describing itself as the conventions ask.
pub struct ChatRequest {
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
}

impl GenAiRequest for ChatRequest {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.request.model", &self.model);
        attrs.set("gen_ai.request.temperature", self.temperature);
        attrs.set("gen_ai.request.max_tokens", self.max_tokens);
    }
}

pub fn request(model: &str) -> ChatRequest {
    ChatRequest { model: model.to_owned(), temperature: Some(0.5), max_tokens: None }
}

/// A response carrying usage.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    pub id: String,
    pub model: String,
    pub input_tokens: u32,
    pub output_tokens: u32,
}

impl GenAiResponse for ChatResponse {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.response.id", &self.id);
        attrs.set("gen_ai.response.model", &self.model);
        attrs.set("gen_ai.response.finish_reasons", ["stop"]);
        attrs.set("gen_ai.usage.input_tokens", self.input_tokens);
        attrs.set("gen_ai.usage.output_tokens", self.output_tokens);
    }
}

pub fn response(input_tokens: u32, output_tokens: u32) -> ChatResponse {
    ChatResponse {
        id: format!("resp-{input_tokens}"),
        model: "gpt-4o-2024-08-06".to_owned(),
        input_tokens,
        output_tokens,
    }
}

pub fn strings(values: &[&str]) -> Value {
    Value::Array(Array::String(values.iter().map(|v| v.to_string().into()).collect()))
}

/// Every attribute of a span as `key=value` lines, sorted: a whole-set comparison that
/// also fails on attributes nobody expected.
pub fn attribute_lines(span: &otel_genai::SpanNode<'_>) -> Vec<String> {
    let mut lines: Vec<String> = span.data().attributes.iter().map(|kv| format!("{}={}", kv.key, kv.value)).collect();
    lines.sort();
    lines
}
