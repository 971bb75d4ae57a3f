//! The real async-openai client, wrapped, against an OpenAI-compatible server on loopback:
//! every attribute, event and metric of a chat (plain and streamed), embeddings, a 429 and
//! a 500. Content capture stays off in this binary (see `openai_content.rs`).

use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, CreateChatCompletionRequest,
    CreateChatCompletionRequestArgs, ResponseFormat, ServiceTier, StopConfiguration,
};
use async_openai::types::embeddings::CreateEmbeddingRequestArgs;
use futures::StreamExt as _;
use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Array, Value};
use opentelemetry_sdk::trace::SpanData;
use otel_genai::testing::Capture;
use otel_genai_examples::ModelServer;

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value)
}

fn strings(values: &[&str]) -> Value {
    Value::Array(Array::String(values.iter().map(|v| (*v).to_owned().into()).collect()))
}

#[allow(deprecated)] // `seed` is deprecated in the API, still sent
fn chat_request(model: &str) -> CreateChatCompletionRequest {
    CreateChatCompletionRequestArgs::default()
        .model(model)
        .messages([ChatCompletionRequestUserMessage::from("What is OpenTelemetry?").into()])
        .temperature(0.2)
        .top_p(0.9)
        .max_completion_tokens(256_u32)
        .seed(42)
        .n(2)
        .frequency_penalty(0.25)
        .presence_penalty(0.5)
        .stop(StopConfiguration::StringArray(vec!["END".into(), "STOP".into()]))
        .response_format(ResponseFormat::JsonObject)
        .service_tier(ServiceTier::Auto)
        .build()
        .unwrap()
}

/// `gen_ai.usage.cost`, in dollars.
fn assert_cost(span: &SpanData, usd: f64) {
    let Some(Value::F64(cost)) = attr(span, "gen_ai.usage.cost") else { panic!("no cost: {span:#?}") };
    assert!((cost - usd).abs() < 1e-12, "{cost} against {usd}");
}

/// The attributes every call to the server records about where it went.
fn assert_endpoint(span: &SpanData, server: &ModelServer) {
    assert_eq!(attr(span, "gen_ai.provider.name"), Some(&Value::from("openai")));
    assert_eq!(attr(span, "server.address"), Some(&Value::from("127.0.0.1")));
    assert_eq!(attr(span, "server.port"), Some(&Value::I64(i64::from(server.address.port()))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_completion_records_request_response_usage_cost_and_metrics() {
    let server = ModelServer::start().await;
    let capture = Capture::new();
    let response = capture.scope(server.client().chat().create(chat_request("gpt-4o-mini"))).await.unwrap();
    assert_eq!(response.id, "chatcmpl-1");

    let spans = capture.spans();
    assert_eq!(spans.len(), 1);
    let span = &spans[0];
    assert_eq!(span.name, "chat gpt-4o-mini");
    assert_eq!(span.span_kind, SpanKind::Client);
    assert_eq!(span.status, Status::Unset);
    assert_endpoint(span, &server);
    let expected: [(&str, Value); 22] = [
        ("gen_ai.operation.name", "chat".into()),
        ("gen_ai.request.model", "gpt-4o-mini".into()),
        ("gen_ai.request.temperature", 0.2.into()),
        ("gen_ai.request.top_p", 0.9.into()),
        ("gen_ai.request.max_tokens", 256_i64.into()),
        ("gen_ai.request.seed", 42_i64.into()),
        ("gen_ai.request.choice.count", 2_i64.into()),
        ("gen_ai.request.frequency_penalty", 0.25.into()),
        ("gen_ai.request.presence_penalty", 0.5.into()),
        ("gen_ai.request.stop_sequences", strings(&["END", "STOP"])),
        ("gen_ai.output.type", "json".into()),
        ("openai.request.service_tier", "auto".into()),
        ("gen_ai.response.id", "chatcmpl-1".into()),
        ("gen_ai.response.model", "gpt-4o-mini-2024-07-18".into()),
        ("gen_ai.response.finish_reasons", strings(&["stop"])),
        ("gen_ai.usage.input_tokens", 120_i64.into()),
        ("gen_ai.usage.output_tokens", 40_i64.into()),
        ("gen_ai.usage.cache_read.input_tokens", 100_i64.into()),
        ("gen_ai.usage.reasoning.output_tokens", 12_i64.into()),
        ("openai.response.service_tier", "default".into()),
        ("openai.response.system_fingerprint", "fp_1234".into()),
        ("gen_ai.provider.name", "openai".into()),
    ];
    for (key, value) in &expected {
        assert_eq!(attr(span, key), Some(value), "{key}");
    }
    // gpt-4o-mini: 20 uncached input tokens at $0.15, 100 cached at $0.075, 40 output at
    // $0.60 per million.
    assert_cost(span, 0.000_034_5);
    // Nothing of the content is recorded while capture is off.
    for key in ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions"] {
        assert_eq!(attr(span, key), None, "{key}");
    }
    assert!(attr(span, "gen_ai.request.stream").is_none());

    let durations = capture.histogram("gen_ai.client.operation.duration");
    assert_eq!(durations.len(), 1);
    let duration = &durations[0];
    assert_eq!(duration.unit, "s");
    assert_eq!(duration.count, 1);
    assert_eq!(
        duration.bounds,
        [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
    );
    assert_eq!(
        duration.keys(),
        [
            "gen_ai.operation.name",
            "gen_ai.provider.name",
            "gen_ai.request.model",
            "gen_ai.response.model",
            "server.address",
            "server.port"
        ]
    );
    assert_eq!(duration.str_attr("gen_ai.response.model"), Some("gpt-4o-mini-2024-07-18"));
    let tokens = capture.histogram("gen_ai.client.token.usage");
    let by_type = |kind: &str| tokens.iter().find(|point| point.str_attr("gen_ai.token.type") == Some(kind)).unwrap();
    assert_eq!((by_type("input").sum, by_type("output").sum), (120.0, 40.0));
    assert_eq!(by_type("input").bounds[..4], [1.0, 4.0, 16.0, 64.0]);
    assert_eq!(capture.histogram("gen_ai.usage.cost").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_chat_records_time_to_first_chunk_finish_reasons_and_usage() {
    let server = ModelServer::start().await;
    let capture = Capture::new();
    let mut request = chat_request("gpt-4o-mini");
    request.n = None;
    request.stream_options = Some(ChatCompletionStreamOptions { include_usage: Some(true), include_obfuscation: None });
    let text = capture
        .scope(async {
            let mut stream = server.client().chat().create_stream(request).await.unwrap();
            let mut text = String::new();
            while let Some(chunk) = stream.next().await {
                for choice in chunk.unwrap().choices {
                    text.push_str(choice.delta.content.as_deref().unwrap_or_default());
                }
            }
            text
        })
        .await;
    assert_eq!(text, "OpenTelemetry");

    let spans = capture.spans();
    assert_eq!(spans.len(), 1);
    let span = &spans[0];
    assert_eq!(span.name, "chat gpt-4o-mini");
    assert_endpoint(span, &server);
    assert_eq!(attr(span, "gen_ai.request.stream"), Some(&Value::Bool(true)));
    assert_eq!(attr(span, "gen_ai.response.id"), Some(&Value::from("chatcmpl-s1")));
    assert_eq!(attr(span, "gen_ai.response.model"), Some(&Value::from("gpt-4o-mini-2024-07-18")));
    assert_eq!(attr(span, "gen_ai.response.finish_reasons"), Some(&strings(&["stop"])));
    assert_eq!(attr(span, "gen_ai.usage.input_tokens"), Some(&Value::I64(20)));
    assert_eq!(attr(span, "gen_ai.usage.output_tokens"), Some(&Value::I64(3)));
    assert_eq!(attr(span, "openai.response.system_fingerprint"), Some(&Value::from("fp_1234")));
    assert_eq!(attr(span, "openai.response.service_tier"), Some(&Value::from("default")));
    let Some(Value::F64(first)) = attr(span, "gen_ai.response.time_to_first_chunk") else { panic!("{span:#?}") };
    let span_seconds = span.end_time.duration_since(span.start_time).unwrap().as_secs_f64();
    assert!(*first > 0.0 && *first <= span_seconds, "{first} within {span_seconds}");
    // 20 input and 3 output tokens of gpt-4o-mini.
    assert_cost(span, 20.0 * 0.15e-6 + 3.0 * 0.6e-6);

    let first_chunk = capture.histogram("gen_ai.client.operation.time_to_first_chunk");
    assert_eq!(first_chunk.len(), 1);
    assert_eq!(first_chunk[0].count, 1);
    assert!((first_chunk[0].sum - first).abs() < 1e-3, "{} vs {first}", first_chunk[0].sum);
    assert_eq!(first_chunk[0].bounds[..3], [0.001, 0.005, 0.01]);
    // Four chunks (three with choices, one with usage): three intervals between them.
    let per_chunk = capture.histogram("gen_ai.client.operation.time_per_output_chunk");
    assert_eq!(per_chunk.iter().map(|point| point.count).sum::<u64>(), 3);
    let duration = capture.histogram("gen_ai.client.operation.duration");
    assert_eq!(duration.len(), 1);
    assert!(duration[0].sum >= span_seconds * 0.5, "{} vs {span_seconds}", duration[0].sum);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_record_model_dimensions_and_input_tokens() {
    let server = ModelServer::start().await;
    let capture = Capture::new();
    let request = CreateEmbeddingRequestArgs::default()
        .model("text-embedding-3-small")
        .input(vec!["first", "second"])
        .dimensions(3_u32)
        .build()
        .unwrap();
    let response = capture.scope(server.client().embeddings().create(request)).await.unwrap();
    assert_eq!(response.data.len(), 2);

    let spans = capture.spans();
    let span = &spans[0];
    assert_eq!(span.name, "embeddings text-embedding-3-small");
    assert_eq!(span.span_kind, SpanKind::Client);
    assert_endpoint(span, &server);
    assert_eq!(attr(span, "gen_ai.operation.name"), Some(&Value::from("embeddings")));
    assert_eq!(attr(span, "gen_ai.embeddings.dimension.count"), Some(&Value::I64(3)));
    assert_eq!(attr(span, "gen_ai.request.encoding_formats"), Some(&strings(&["float"])));
    assert_eq!(attr(span, "gen_ai.response.model"), Some(&Value::from("text-embedding-3-small")));
    assert_eq!(attr(span, "gen_ai.usage.input_tokens"), Some(&Value::I64(8)));
    assert_cost(span, 8.0 * 0.02e-6);
    let tokens = capture.histogram("gen_ai.client.token.usage");
    assert_eq!(tokens.len(), 1, "input tokens only: {tokens:#?}");
    assert_eq!(tokens[0].str_attr("gen_ai.operation.name"), Some("embeddings"));
}

/// A failed call: the span's status, `error.type`, the exception event on the span and as a
/// log record, and the duration metric with `error.type`.
async fn failed_call(model: &str) -> (SpanData, Capture, usize) {
    let server = ModelServer::start().await;
    let capture = Capture::new();
    let error = capture.scope(server.client().chat().create(chat_request(model))).await.unwrap_err();
    assert!(matches!(error, async_openai::error::OpenAIError::ApiError(_)), "{error:?}");
    let span = capture.spans().remove(0);
    (span, capture, server.requests())
}

fn assert_failed(span: &SpanData, capture: &Capture, error_type: &str) {
    assert!(matches!(span.status, Status::Error { .. }), "{:?}", span.status);
    assert_eq!(attr(span, "error.type"), Some(&Value::from(error_type.to_owned())));
    let exception = span.events.iter().find(|event| event.name == "exception").expect("an exception event");
    assert!(exception.attributes.iter().any(|kv| kv.key.as_str() == "exception.message"));
    let events = capture.events();
    let logged = events.iter().find(|event| event.name == Some("gen_ai.client.operation.exception")).unwrap();
    assert_eq!(logged.str_attr("error.type"), Some(error_type));
    assert_eq!(logged.trace, Some((span.span_context.trace_id(), span.span_context.span_id())));
    let durations = capture.histogram("gen_ai.client.operation.duration");
    assert_eq!(durations.len(), 1);
    assert_eq!(durations[0].str_attr("error.type"), Some(error_type));
    assert!(capture.histogram("gen_ai.client.token.usage").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_rate_limited_after_the_clients_retries() {
    let (span, capture, requests) = failed_call("rate-limited").await;
    assert_failed(&span, &capture, "rate_limited");
    // async-openai retries a 429 three times: one span covers all four attempts.
    assert_eq!(requests, 4);
    assert_eq!(span.name, "chat rate-limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_is_a_5xx() {
    let (span, capture, requests) = failed_call("broken").await;
    assert_failed(&span, &capture, "5xx");
    assert_eq!(requests, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_provider_and_the_types_alone() {
    let server = ModelServer::start().await;
    let capture = Capture::new();
    let client = server.client().with_provider("groq");
    assert_eq!(client.provider(), "groq");
    capture.scope(client.chat().create(chat_request("gpt-4o-mini"))).await.unwrap();
    let span = capture.spans().remove(0);
    assert_eq!(attr(&span, "gen_ai.provider.name"), Some(&Value::from("groq")));
    // An unknown provider's model has no price: no cost, rather than a wrong one.
    assert_eq!(attr(&span, "gen_ai.usage.cost"), None);

    // The types alone, under the user's own macro.
    #[otel_genai::gen_ai_chat(provider = "openai", request = &request)]
    async fn mine(
        client: &async_openai::Client<OpenAIConfig>,
        request: CreateChatCompletionRequest,
    ) -> Result<async_openai::types::chat::CreateChatCompletionResponse, async_openai::error::OpenAIError> {
        client.chat().create(request).await
    }
    capture.clear();
    let inner = async_openai::Client::with_config(OpenAIConfig::new().with_api_base(server.base_url()));
    capture.scope(mine(&inner, chat_request("gpt-4o-mini"))).await.unwrap();
    let span = capture.spans().remove(0);
    assert_eq!(attr(&span, "gen_ai.response.id"), Some(&Value::from("chatcmpl-1")));
    assert_eq!(attr(&span, "gen_ai.usage.cache_read.input_tokens"), Some(&Value::I64(100)));
    assert_eq!(attr(&span, "gen_ai.request.seed"), Some(&Value::I64(42)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_a_connection_error() {
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = OpenAIConfig::new().with_api_base(format!("http://127.0.0.1:{port}/v1")).with_api_key("sk-test");
    let client = otel_genai::openai::Client::new(async_openai::Client::with_config(config));
    let capture = Capture::new();
    let error = capture.scope(client.chat().create(chat_request("gpt-4o-mini"))).await.unwrap_err();
    assert!(matches!(error, async_openai::error::OpenAIError::Reqwest(_)), "{error:?}");
    let span = capture.spans().remove(0);
    assert_eq!(attr(&span, "error.type"), Some(&Value::from("connection")));
    assert_eq!(attr(&span, "server.port"), Some(&Value::I64(i64::from(port))));
    assert_eq!(capture.histogram("gen_ai.client.operation.duration")[0].str_attr("error.type"), Some("connection"));
}
