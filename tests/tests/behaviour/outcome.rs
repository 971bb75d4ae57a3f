//! What the span records when the function returns, fails, panics or is dropped.

use std::borrow::Cow;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use opentelemetry::Value;
use opentelemetry::trace::Status;
use otel_genai::testing::Capture;
use otel_genai::{ErrorType, gen_ai_chat, tool};

use crate::{ChatRequest, ChatResponse, request, response};

#[derive(Debug)]
enum ApiError {
    RateLimited { retry_after: u32 },
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::RateLimited { retry_after } => write!(f, "rate limited; retry after {retry_after}s"),
        }
    }
}

impl ErrorType for ApiError {
    fn error_type(&self) -> Cow<'static, str> {
        "rate_limited".into()
    }
}

#[gen_ai_chat(provider = "openai", request = req)]
async fn chat(req: &ChatRequest, fail: bool) -> Result<ChatResponse, ApiError> {
    if fail {
        return Err(ApiError::RateLimited { retry_after: 3 });
    }
    Ok(response(12, 4))
}

#[tokio::test]
async fn ok_response_records_response_and_usage_attributes() {
    let capture = Capture::new();
    let out = capture.scope(chat(&request("gpt-4o"), false)).await.unwrap();
    assert_eq!(out.input_tokens, 12);
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.status(), &Status::Unset);
    assert_eq!(span.str_attr("gen_ai.response.id"), Some("resp-12"));
    assert_eq!(span.str_attr("gen_ai.response.model"), Some("gpt-4o-2024-08-06"));
    assert_eq!(span.attr("gen_ai.response.finish_reasons"), Some(&crate::strings(&["stop"])));
    assert_eq!(span.int_attr("gen_ai.usage.input_tokens"), Some(12));
    assert_eq!(span.int_attr("gen_ai.usage.output_tokens"), Some(4));
    assert!(span.event_names().is_empty());
    assert_eq!(span.attr("error.type"), None);
}

#[tokio::test]
async fn err_sets_status_error_type_and_an_exception_event() {
    let capture = Capture::new();
    let out = capture.scope(chat(&request("gpt-4o"), true)).await;
    assert!(matches!(out, Err(ApiError::RateLimited { retry_after: 3 })));
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.status(), &Status::error("rate limited; retry after 3s"));
    assert_eq!(span.str_attr("error.type"), Some("rate_limited"));
    assert_eq!(span.event_names(), ["exception"]);
    assert_eq!(
        span.event_attr("exception", "exception.type").map(Value::as_str),
        Some(Cow::Borrowed(std::any::type_name::<ApiError>()))
    );
    assert_eq!(
        span.event_attr("exception", "exception.message").map(Value::as_str),
        Some(Cow::Borrowed("rate limited; retry after 3s"))
    );
    assert_eq!(span.attr("gen_ai.usage.input_tokens"), None);
}

#[derive(Debug)]
struct PlainError;

#[tool]
fn fails_with_a_debug_only_error() -> Result<u8, PlainError> {
    Err(PlainError)
}

#[tool]
fn fails_with_io() -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
}

#[test]
fn errors_without_error_type_use_their_type_name_and_best_message() {
    let capture = Capture::new();
    assert!(capture.in_scope(fails_with_a_debug_only_error).is_err());
    assert!(capture.in_scope(fails_with_io).is_err());
    let tree = capture.tree();

    let debug_only = tree.find("execute_tool fails_with_a_debug_only_error").unwrap();
    assert_eq!(debug_only.str_attr("error.type"), Some(std::any::type_name::<PlainError>()));
    assert_eq!(debug_only.status(), &Status::error("PlainError"));

    let io = tree.find("execute_tool fails_with_io").unwrap();
    assert_eq!(io.str_attr("error.type"), Some("std::io::error::Error"));
    assert_eq!(io.status(), &Status::error("no such file"));
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
fn maybe_answer(answer: bool) -> Option<ChatResponse> {
    answer.then(|| response(3, 1))
}

#[test]
fn option_some_records_the_response_and_none_records_nothing() {
    let capture = Capture::new();
    capture.in_scope(|| maybe_answer(true));
    capture.in_scope(|| maybe_answer(false));
    let tree = capture.tree();
    let spans = tree.find_all("chat gpt-4o");
    assert_eq!(spans.len(), 2);
    assert_eq!(spans.iter().filter_map(|s| s.int_attr("gen_ai.usage.input_tokens")).collect::<Vec<_>>(), [3]);
    assert!(spans.iter().all(|s| s.status() == &Status::Unset));
}

#[tool]
fn explodes(message: &str) -> u8 {
    panic!("tool exploded: {message}");
}

#[test]
fn a_panic_ends_the_span_as_an_error_and_keeps_unwinding() {
    let capture = Capture::new();
    let caught = std::panic::catch_unwind(AssertUnwindSafe(|| capture.in_scope(|| explodes("disk full"))));
    let payload = caught.expect_err("the panic must continue");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("tool exploded: disk full"));
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "execute_tool explodes");
    assert_eq!(span.status(), &Status::error("tool exploded: disk full"));
    assert_eq!(span.str_attr("error.type"), Some("panic"));
    assert_eq!(span.event_names(), ["exception"]);
}

#[tool]
async fn explodes_later() -> u8 {
    tokio::task::yield_now().await;
    panic!("async boom");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_panic_ends_the_span_and_reaches_the_join_handle() {
    let capture = Capture::new();
    let joined = tokio::spawn(capture.scope(explodes_later())).await;
    assert!(joined.expect_err("the task panicked").is_panic());
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.str_attr("error.type"), Some("panic"));
    assert_eq!(span.status(), &Status::error("async boom"));
    assert_eq!(tree.len(), 1, "the span ended exactly once:\n{tree}");
}

#[tool]
async fn slow_tool() -> u8 {
    tokio::time::sleep(Duration::from_secs(30)).await;
    1
}

#[tokio::test]
async fn a_dropped_future_ends_its_span_as_cancelled() {
    let capture = Capture::new();
    let timed_out = capture.scope(tokio::time::timeout(Duration::from_millis(20), slow_tool())).await;
    assert!(timed_out.is_err());
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "execute_tool slow_tool");
    assert_eq!(span.str_attr("error.type"), Some("cancelled"));
    assert!(matches!(span.status(), Status::Error { description } if description.contains("dropped")));
    assert!(span.duration() >= Duration::from_millis(20), "ended when dropped, not when created");
}

#[tokio::test]
async fn a_future_dropped_before_its_first_poll_records_nothing() {
    let capture = Capture::new();
    capture.in_scope(|| drop(slow_tool()));
    assert!(capture.spans().is_empty());
}
