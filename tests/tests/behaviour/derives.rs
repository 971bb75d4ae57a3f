//! `#[derive(GenAiRequest)]`, `#[derive(GenAiResponse)]` and `reasoning!`.

use std::borrow::Cow;

use opentelemetry::{Array, Value};
use otel_genai::testing::Capture;
use otel_genai::{
    Attributes, GenAiRequest, GenAiResponse, StrAttribute, ToAttributeValue, agent, gen_ai_chat, reasoning,
};

use crate::strings;

#[derive(serde::Serialize, Clone)]
struct Message {
    role: &'static str,
    content: String,
}

impl otel_genai::content::messages::ToChatMessage for Message {
    fn to_chat_message(&self) -> otel_genai::content::messages::ChatMessage<'_> {
        otel_genai::content::messages::ChatMessage::text(self.role, self.content.as_str())
    }
}

#[derive(Clone, Copy)]
enum Effort {
    Low,
    High,
}

impl StrAttribute for Effort {
    fn str_value(&self) -> Option<Cow<'static, str>> {
        Some(match self {
            Effort::Low => "low".into(),
            Effort::High => "high".into(),
        })
    }
}

#[derive(GenAiRequest)]
struct ChatRequest<'a> {
    // Inferred from the field names: gen_ai.request.{model, temperature, max_tokens}.
    model: &'a str,
    temperature: Option<f32>,
    max_tokens: Option<u16>,
    #[gen_ai(request.stop_sequences)]
    stop: Vec<String>,
    #[gen_ai(request.reasoning.level)]
    effort: Effort,
    #[gen_ai(openai.request.service_tier)]
    tier: Option<&'static str>,
    #[gen_ai("app.user_tier")]
    user_tier: u8,
    #[gen_ai(input.messages)]
    messages: Vec<Message>,
    #[gen_ai(skip)]
    seed: Option<String>,
    #[gen_ai(flatten)]
    endpoint: Endpoint,
    // Matches no attribute: not recorded.
    retries: u32,
}

#[derive(GenAiRequest)]
struct Endpoint {
    #[gen_ai(server.address)]
    host: String,
    #[gen_ai(server.port)]
    port: u16,
}

fn chat_request(model: &str) -> ChatRequest<'_> {
    ChatRequest {
        model,
        temperature: Some(0.2),
        max_tokens: None,
        stop: vec!["END".to_owned()],
        effort: Effort::High,
        tier: None,
        user_tier: 2,
        messages: vec![Message { role: "user", content: "hi".to_owned() }],
        seed: Some("not a number".to_owned()),
        endpoint: Endpoint { host: "api.openai.com".to_owned(), port: 443 },
        retries: 3,
    }
}

fn recorded(describe: impl FnOnce(&mut Attributes), capture_content: bool) -> Vec<(String, Value)> {
    let mut attrs = Attributes::new(capture_content);
    describe(&mut attrs);
    let mut pairs: Vec<_> = attrs.iter().map(|kv| (kv.key.to_string(), kv.value.clone())).collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

#[test]
fn request_derive_records_checked_fields() {
    let request = chat_request("gpt-4o");
    let _ = (&request.seed, request.retries, Effort::Low);
    assert_eq!(
        recorded(|attrs| request.record(attrs), false),
        vec![
            ("app.user_tier".to_owned(), Value::I64(2)),
            ("gen_ai.request.model".to_owned(), Value::from("gpt-4o")),
            ("gen_ai.request.reasoning.level".to_owned(), Value::from("high")),
            ("gen_ai.request.stop_sequences".to_owned(), strings(&["END"])),
            ("gen_ai.request.temperature".to_owned(), Value::F64(0.2)),
            ("server.address".to_owned(), Value::from("api.openai.com")),
            ("server.port".to_owned(), Value::I64(443)),
        ]
    );
}

#[test]
fn content_fields_are_recorded_only_when_capture_is_on() {
    let request = chat_request("gpt-4o");
    let with_content = recorded(|attrs| request.record(attrs), true);
    let messages = with_content.iter().find(|(key, _)| key == "gen_ai.input.messages").map(|(_, value)| value);
    let Some(Value::String(json)) = messages else { panic!("{with_content:?}") };
    let json: serde_json::Value = serde_json::from_str(json.as_str()).unwrap();
    assert_eq!(json, serde_json::json!([{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]));
    let without = recorded(|attrs| request.record(attrs), false);
    assert!(without.iter().all(|(key, _)| key != "gen_ai.input.messages"));
}

#[derive(GenAiResponse, Clone)]
struct ChatResponse {
    id: String,
    model: String,
    finish_reasons: Vec<&'static str>,
    #[gen_ai(flatten)]
    usage: Usage,
    #[gen_ai(output.messages)]
    text: Vec<otel_genai::content::messages::OutputMessage<'static>>,
}

#[derive(GenAiResponse, Clone, Copy)]
struct Usage {
    input_tokens: u64,
    output_tokens: u32,
    #[gen_ai(usage.cache_read.input_tokens)]
    cached: Option<u32>,
}

#[derive(GenAiResponse)]
struct Scored<T> {
    #[gen_ai(response.id)]
    id: T,
    #[gen_ai("app.score")]
    score: T,
}

#[test]
fn response_derive_flattens_and_handles_generics() {
    let response = ChatResponse {
        id: "r-1".to_owned(),
        model: "gpt-4o-2024-08-06".to_owned(),
        finish_reasons: vec!["stop"],
        usage: Usage { input_tokens: 9, output_tokens: 4, cached: Some(2) },
        text: Vec::new(),
    };
    assert_eq!(
        recorded(|attrs| response.record(attrs), false),
        vec![
            ("gen_ai.response.finish_reasons".to_owned(), strings(&["stop"])),
            ("gen_ai.response.id".to_owned(), Value::from("r-1")),
            ("gen_ai.response.model".to_owned(), Value::from("gpt-4o-2024-08-06")),
            ("gen_ai.usage.cache_read.input_tokens".to_owned(), Value::I64(2)),
            ("gen_ai.usage.input_tokens".to_owned(), Value::I64(9)),
            ("gen_ai.usage.output_tokens".to_owned(), Value::I64(4)),
        ]
    );
    let scored = Scored { id: "s-1", score: "high" };
    assert_eq!(
        recorded(|attrs| scored.record(attrs), false),
        vec![("app.score".to_owned(), Value::from("high")), ("gen_ai.response.id".to_owned(), Value::from("s-1"))]
    );
    assert_eq!(Some(Value::Array(Array::String(vec![]))), Vec::<String>::new().to_attribute_value());
}

#[gen_ai_chat(provider = "openai", request = req)]
async fn complete(req: &ChatRequest<'_>) -> Result<ChatResponse, String> {
    Ok(ChatResponse {
        id: "r-7".to_owned(),
        model: format!("{}-2024", req.model),
        finish_reasons: vec!["stop"],
        usage: Usage { input_tokens: 30, output_tokens: 12, cached: None },
        text: Vec::new(),
    })
}

#[agent(name = "planner")]
async fn plan(task: &str) -> Result<usize, String> {
    let response = complete(&chat_request("gpt-4o")).await?;
    let steps = task.split_whitespace().count();
    reasoning!("plan ready", app.steps = steps, gen_ai.response.id = response.id.as_str());
    Ok(steps)
}

#[tokio::test]
async fn derived_types_drive_the_span_and_reasoning_records_events() {
    let capture = Capture::new();
    assert_eq!(capture.scope(plan("find three facts")).await, Ok(3));
    let tree = capture.tree();
    assert_eq!(tree.outline(), "invoke_agent planner\n  chat gpt-4o\n");
    let chat = tree.find("chat gpt-4o").unwrap();
    assert_eq!(chat.attr("gen_ai.request.temperature"), Some(&Value::F64(0.2)));
    assert_eq!(chat.str_attr("server.address"), Some("api.openai.com"));
    assert_eq!(chat.str_attr("gen_ai.response.model"), Some("gpt-4o-2024"));
    assert_eq!(chat.int_attr("gen_ai.usage.input_tokens"), Some(30));
    assert_eq!(chat.attr("gen_ai.usage.cache_read.input_tokens"), None);
    assert_eq!(chat.attr("gen_ai.output.messages"), None, "content is off by default");

    let agent = tree.root();
    assert_eq!(agent.event_names(), ["plan ready"]);
    assert_eq!(agent.event_attr("plan ready", "app.steps"), Some(&Value::I64(3)));
    assert_eq!(agent.event_attr("plan ready", "gen_ai.response.id"), Some(&Value::from("r-7")));
}

#[test]
fn reasoning_outside_a_span_evaluates_nothing() {
    let evaluated = std::cell::Cell::new(0);
    let count = || {
        evaluated.set(evaluated.get() + 1);
        1
    };
    let capture = Capture::new();
    capture.in_scope(|| reasoning!("nobody listens", "steps" = count()));
    assert_eq!(evaluated.get(), 0, "no span records: the attributes are not computed");
    assert!(capture.spans().is_empty());
    #[agent(name = "listener")]
    fn listener(count: &dyn Fn() -> i32) {
        reasoning!("heard", "steps" = count());
    }
    capture.in_scope(|| listener(&count));
    assert_eq!(evaluated.get(), 1);
    assert_eq!(capture.tree().root().event_attr("heard", "steps"), Some(&Value::I64(1)));
}

#[gen_ai_chat(provider = otel_genai::custom_value("opneai"), model = "m")]
fn escaped_provider() {}

#[test]
fn custom_value_keeps_a_value_that_looks_like_a_typo() {
    let capture = Capture::new();
    capture.in_scope(escaped_provider);
    assert_eq!(capture.tree().root().str_attr("gen_ai.provider.name"), Some("opneai"));
}
