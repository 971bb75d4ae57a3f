//! The context across process boundaries: W3C `traceparent`, `tracestate` and `baggage`
//! written into and read from HTTP headers and the `params._meta` of MCP requests.
//!
//! The caller injects the current context into the outgoing request; the callee extracts
//! it and runs its handler in it, so that its spans continue the caller's trace with the
//! caller's span as their parent.
//!
//! ```
//! use otel_genai::FutureContextExt as _;
//! use otel_genai::propagation;
//!
//! #[otel_genai::agent(name = "remote-researcher")]
//! async fn research(topic: String) -> String { format!("notes on {topic}") }
//!
//! // The server side of an MCP `tools/call`: continue the caller's trace.
//! async fn on_call(params: serde_json::Value) -> String {
//!     let cx = propagation::extract_mcp(&params);
//!     research(params["arguments"]["topic"].as_str().unwrap_or_default().to_owned())
//!         .in_context(cx)
//!         .await
//! }
//!
//! // The client side: the current span becomes the server's parent.
//! #[otel_genai::tool(name = "research")]
//! async fn call_remote(topic: &str) -> String {
//!     let mut params = serde_json::json!({ "name": "research", "arguments": { "topic": topic } });
//!     propagation::inject_mcp(&mut params);
//!     on_call(params).await // in real code: sent to the server
//! }
//! # let capture = otel_genai::testing::Capture::new();
//! # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # runtime.block_on(capture.scope(call_remote("rust")));
//! # assert_eq!(capture.tree().outline(), "execute_tool research\n  invoke_agent remote-researcher\n");
//! ```

use std::sync::OnceLock;

use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, Injector, TextMapCompositePropagator, TextMapPropagator};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use serde_json::{Map, Value};

/// W3C trace context and baggage, whatever global propagator the application set.
fn propagator() -> &'static TextMapCompositePropagator {
    static PROPAGATOR: OnceLock<TextMapCompositePropagator> = OnceLock::new();
    PROPAGATOR.get_or_init(|| {
        TextMapCompositePropagator::new(vec![
            Box::new(TraceContextPropagator::new()),
            Box::new(BaggagePropagator::new()),
        ])
    })
}

/// The current context with what `carrier` holds: the remote span as the parent of the
/// spans started in it, and the baggage.
fn extract(carrier: &dyn Extractor) -> Context {
    Context::map_current(|cx| propagator().extract_with_context(cx, carrier))
}

/// Writes the current context into the `params` of an MCP request, under `_meta` as the
/// MCP conventions say (`params._meta.traceparent`, `tracestate`, `baggage`). `params`
/// that are `null` become an object; other non-objects are left as they are.
pub fn inject_mcp(params: &mut Value) {
    if params.is_null() {
        *params = Value::Object(Map::new());
    }
    let Some(params) = params.as_object_mut() else { return };
    let meta = params.entry("_meta").or_insert_with(|| Value::Object(Map::new()));
    if let Some(meta) = meta.as_object_mut() {
        Context::map_current(|cx| propagator().inject_context(cx, &mut JsonMeta(meta)));
    }
}

/// The current context continued from the `params._meta` of an MCP request: run the
/// handler in it ([`in_context`](crate::FutureContextExt::in_context)). Without trace
/// context in `_meta`, the current context as it is.
pub fn extract_mcp(params: &Value) -> Context {
    match params.get("_meta").and_then(Value::as_object) {
        Some(meta) => extract(&JsonMetaRef(meta)),
        None => Context::current(),
    }
}

struct JsonMeta<'a>(&'a mut Map<String, Value>);

impl Injector for JsonMeta<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), Value::String(value));
    }
}

struct JsonMetaRef<'a>(&'a Map<String, Value>);

impl Extractor for JsonMetaRef<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}

#[cfg(feature = "http")]
pub use self::headers::{extract_headers, inject_headers};

#[cfg(feature = "http")]
mod headers {
    use http::header::{HeaderMap, HeaderName, HeaderValue};
    use opentelemetry::Context;
    use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator as _};

    use super::{extract, propagator};

    /// Writes the current context into outgoing HTTP headers: `traceparent`, `tracestate`
    /// and `baggage`.
    ///
    /// ```
    /// #[otel_genai::tool(name = "remote_search")]
    /// fn request_headers() -> http::HeaderMap {
    ///     let mut headers = http::HeaderMap::new();
    ///     otel_genai::propagation::inject_headers(&mut headers);
    ///     headers
    /// }
    /// # let capture = otel_genai::testing::Capture::new();
    /// # let headers = capture.in_scope(request_headers);
    /// # let span = capture.spans().remove(0);
    /// # let traceparent = headers["traceparent"].to_str().unwrap();
    /// # assert_eq!(traceparent, format!("00-{}-{}-01", span.span_context.trace_id(), span.span_context.span_id()));
    /// ```
    pub fn inject_headers(headers: &mut HeaderMap) {
        Context::map_current(|cx| propagator().inject_context(cx, &mut Headers(headers)));
    }

    /// The current context continued from incoming HTTP headers: run the handler in it
    /// ([`in_context`](crate::FutureContextExt::in_context)), and its spans are children
    /// of the caller's. Headers without trace context leave the current context as it is.
    pub fn extract_headers(headers: &HeaderMap) -> Context {
        extract(&HeadersRef(headers))
    }

    struct Headers<'a>(&'a mut HeaderMap);

    impl Injector for Headers<'_> {
        fn set(&mut self, key: &str, value: String) {
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(key.as_bytes()), HeaderValue::from_str(&value)) {
                self.0.insert(name, value);
            }
        }
    }

    struct HeadersRef<'a>(&'a HeaderMap);

    impl Extractor for HeadersRef<'_> {
        fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).and_then(|value| value.to_str().ok())
        }

        fn keys(&self) -> Vec<&str> {
            self.0.keys().map(HeaderName::as_str).collect()
        }
    }
}
