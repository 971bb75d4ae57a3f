//! An OpenAI-compatible server on loopback: real HTTP (hyper), real JSON and server-sent
//! events, answers chosen by the request's model:
//!
//! - `gpt-4o-mini`: a chat completion (or, with `"stream": true`, three chunks and, when
//!   `stream_options.include_usage` is set, a last chunk with usage and no choices);
//! - `tool-caller`: a completion asking for the `get_weather` tool, or, when the last
//!   message is the tool's result, a final answer;
//! - `rate-limited`: HTTP 429 with an OpenAI error body; `broken`: HTTP 500;
//! - `text-embedding-3-small` at `/v1/embeddings`: two embeddings;
//! - any other model (`gpt-4o`, say): the demo model. It answers from the last user message
//!   (a plan for a message that starts with `Plan`, else a summary of its first words), counts
//!   a token a word, takes 20 ms, and streams its answer a word every 5 ms.
//!
//! The examples use it when no `OPENAI_API_KEY` is set ([`client_from_env`]); the tests use
//! it for its fixed answers.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

type Body = BoxBody<Bytes, Infallible>;

/// A running server: its address, and how many requests it answered.
#[derive(Debug)]
pub struct ModelServer {
    /// Where it listens.
    pub address: SocketAddr,
    requests: Arc<AtomicUsize>,
}

/// The instrumented client the examples use, and the model to ask: an OpenAI-compatible
/// endpoint when `OPENAI_API_KEY` is set (`OPENAI_BASE_URL`, default
/// `https://api.openai.com/v1`; `OPENAI_MODEL`, default `gpt-4o-mini`), else the demo model
/// on a loopback port (kept running while the returned server lives).
pub async fn client_from_env() -> (otel_genai::openai::Client, String, Option<ModelServer>) {
    match std::env::var("OPENAI_API_KEY") {
        Ok(key) if !key.is_empty() => {
            let base = std::env::var("OPENAI_BASE_URL").unwrap_or_else(|_| "https://api.openai.com/v1".to_owned());
            let model = std::env::var("OPENAI_MODEL").unwrap_or_else(|_| "gpt-4o-mini".to_owned());
            let config = async_openai::config::OpenAIConfig::new().with_api_base(base).with_api_key(key);
            (otel_genai::openai::Client::new(async_openai::Client::with_config(config)), model, None)
        }
        _ => {
            let server = ModelServer::start().await;
            (server.client(), "gpt-4o".to_owned(), Some(server))
        }
    }
}

impl ModelServer {
    /// Starts the server on a free loopback port, in the current tokio runtime.
    pub async fn start() -> ModelServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let counter = counter.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        counter.fetch_add(1, Ordering::SeqCst);
                        answer(request)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        ModelServer { address, requests }
    }

    /// The base URL an `OpenAIConfig` takes.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// The instrumented client, pointed at this server.
    pub fn client(&self) -> otel_genai::openai::Client {
        let config = async_openai::config::OpenAIConfig::new().with_api_base(self.base_url()).with_api_key("sk-test");
        otel_genai::openai::Client::new(async_openai::Client::with_config(config))
    }

    /// How many requests it answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())).boxed())
        .unwrap()
}

async fn answer(request: Request<Incoming>) -> Result<Response<Body>, hyper::Error> {
    let path = request.uri().path().to_owned();
    let body = request.into_body().collect().await?.to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = body["model"].as_str().unwrap_or_default().to_owned();
    Ok(match (path.as_str(), model.as_str()) {
        (_, "rate-limited") => json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({"error": {"message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}),
        ),
        (_, "broken") => {
            json_response(StatusCode::INTERNAL_SERVER_ERROR, &json!({"error": {"message": "The server had an error"}}))
        }
        ("/v1/embeddings", _) => json_response(
            StatusCode::OK,
            &json!({
                "object": "list",
                "model": "text-embedding-3-small",
                "data": [
                    {"object": "embedding", "index": 0, "embedding": [0.1, 0.2, 0.3]},
                    {"object": "embedding", "index": 1, "embedding": [0.4, 0.5, 0.6]}
                ],
                "usage": {"prompt_tokens": 8, "total_tokens": 8}
            }),
        ),
        ("/v1/chat/completions", "tool-caller") if body["stream"] == json!(true) => streamed_tool_call(),
        ("/v1/chat/completions", "tool-caller") => json_response(StatusCode::OK, &tool_turn(&body)),
        ("/v1/chat/completions", "gpt-4o-mini") if body["stream"] == json!(true) => stream(&body),
        ("/v1/chat/completions", "gpt-4o-mini") => json_response(StatusCode::OK, &completion()),
        ("/v1/chat/completions", _) => demo(&body).await,
        _ => json_response(StatusCode::NOT_FOUND, &json!({"error": {"message": format!("no route {path}")}})),
    })
}

fn completion() -> Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": "gpt-4o-mini-2024-07-18",
        "service_tier": "default",
        "system_fingerprint": "fp_1234",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": "OpenTelemetry is an observability framework."},
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160,
            "prompt_tokens_details": {"cached_tokens": 100},
            "completion_tokens_details": {"reasoning_tokens": 12}
        }
    })
}

/// The tool-calling model: asks for the weather, then answers once it has it.
fn tool_turn(body: &Value) -> Value {
    let answered =
        body["messages"].as_array().and_then(|messages| messages.last()).is_some_and(|m| m["role"] == "tool");
    let (message, finish) = if answered {
        (json!({"role": "assistant", "content": "It is 18°C in Paris."}), "stop")
    } else {
        (
            json!({"role": "assistant", "content": null, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}
            }]}),
            "tool_calls",
        )
    };
    json!({
        "id": if answered { "chatcmpl-3" } else { "chatcmpl-2" },
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 60, "completion_tokens": 15, "total_tokens": 75}
    })
}

/// A tool call streamed the way OpenAI streams it: id and name first, arguments in pieces.
fn streamed_tool_call() -> Response<Body> {
    let chunk = |call: Value, finish: Value| {
        json!({
            "id": "chatcmpl-s2", "object": "chat.completion.chunk", "created": 1_767_225_600,
            "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": finish}]
        })
    };
    events(vec![
        chunk(
            json!({"index": 0, "id": "call_9", "type": "function", "function": {"name": "get_weather", "arguments": ""}}),
            Value::Null,
        ),
        chunk(json!({"index": 0, "function": {"arguments": "{\"city\":"}}), Value::Null),
        chunk(json!({"index": 0, "function": {"arguments": "\"Paris\"}"}}), json!("tool_calls")),
    ])
}

/// Server-sent events, then `[DONE]`, all at once.
fn events(events: Vec<Value>) -> Response<Body> {
    paced_events(events, Duration::ZERO)
}

/// Server-sent events, then `[DONE]`, one every `pace`.
fn paced_events(events: Vec<Value>, pace: Duration) -> Response<Body> {
    let mut lines: Vec<String> = events.iter().map(|event| format!("data: {event}\n\n")).collect();
    lines.push("data: [DONE]\n\n".to_owned());
    let frames = futures::stream::unfold(lines.into_iter(), move |mut lines| async move {
        let line = lines.next()?;
        if !pace.is_zero() {
            tokio::time::sleep(pace).await;
        }
        Some((Ok::<_, Infallible>(Frame::data(Bytes::from(line))), lines))
    });
    Response::builder().header("content-type", "text/event-stream").body(StreamBody::new(frames).boxed()).unwrap()
}

static DEMO_CALLS: AtomicUsize = AtomicUsize::new(0);

/// The demo model's answer to the last user message.
async fn demo(body: &Value) -> Response<Body> {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let text_of = |message: &Value| match &message["content"] {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts.iter().filter_map(|part| part["text"].as_str()).collect::<Vec<_>>().join(" "),
        _ => String::new(),
    };
    let Some(last) = messages.iter().rev().find(|message| message["role"] == "user").map(text_of) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": {"message": "no user message", "type": "invalid_request_error", "param": "messages", "code": null}}),
        );
    };
    let answer = if last.starts_with("Plan") {
        "1. search: rust opentelemetry genai\n2. search: semantic conventions agents".to_owned()
    } else {
        format!("Summary: {}", last.split_whitespace().take(12).collect::<Vec<_>>().join(" "))
    };
    let input_tokens: usize = messages.iter().map(|message| text_of(message).split_whitespace().count()).sum();
    let output_tokens = answer.split_whitespace().count();
    let id = format!("chatcmpl-demo-{}", DEMO_CALLS.fetch_add(1, Ordering::Relaxed) + 1);
    let model = format!("{}-2024-08-06", body["model"].as_str().unwrap_or("demo"));
    let usage = json!({"prompt_tokens": input_tokens, "completion_tokens": output_tokens, "total_tokens": input_tokens + output_tokens});
    tokio::time::sleep(Duration::from_millis(20)).await;
    if body["stream"] != json!(true) {
        return json_response(
            StatusCode::OK,
            &json!({
                "id": id, "object": "chat.completion", "created": 1_767_225_600, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
                "usage": usage
            }),
        );
    }
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": id, "object": "chat.completion.chunk", "created": 1_767_225_600, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
        })
    };
    let mut events: Vec<Value> = answer
        .split_inclusive(' ')
        .enumerate()
        .map(|(i, word)| {
            let delta = if i == 0 { json!({"role": "assistant", "content": word}) } else { json!({"content": word}) };
            chunk(delta, Value::Null)
        })
        .collect();
    events.push(chunk(json!({}), json!("stop")));
    if body["stream_options"]["include_usage"] == json!(true) {
        events.push(json!({
            "id": id, "object": "chat.completion.chunk", "created": 1_767_225_600, "model": model,
            "choices": [], "usage": usage
        }));
    }
    paced_events(events, Duration::from_millis(5))
}

fn stream(body: &Value) -> Response<Body> {
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": "chatcmpl-s1", "object": "chat.completion.chunk", "created": 1_767_225_600,
            "model": "gpt-4o-mini-2024-07-18", "service_tier": "default", "system_fingerprint": "fp_1234",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
        })
    };
    let mut events = vec![
        chunk(json!({"role": "assistant", "content": "Open"}), Value::Null),
        chunk(json!({"content": "Telemetry"}), Value::Null),
        chunk(json!({}), json!("stop")),
    ];
    if body["stream_options"]["include_usage"] == json!(true) {
        events.push(json!({
            "id": "chatcmpl-s1", "object": "chat.completion.chunk", "created": 1_767_225_600,
            "model": "gpt-4o-mini-2024-07-18", "choices": [],
            "usage": {"prompt_tokens": 20, "completion_tokens": 3, "total_tokens": 23}
        }));
    }
    self::events(events)
}
