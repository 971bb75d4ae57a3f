//! OpenTelemetry GenAI spans by annotation.
//!
//! Put a span macro on a function and every call produces a span that follows the
//! OpenTelemetry GenAI semantic conventions: the right name and kind, the attributes the
//! conventions ask for at span start, response attributes and token usage when the
//! function returns, and errors, panics and cancellation recorded. Spans nest: a call made
//! inside an instrumented body — also inside `join_all`, `select!` and other combinators
//! — becomes its child.
//!
//! | macro | operation | span | kind |
//! | --- | --- | --- | --- |
//! | [`#[gen_ai_chat]`](gen_ai_chat) | `chat` (or `text_completion`, `generate_content`) | `chat {model}` | CLIENT |
//! | [`#[embeddings]`](embeddings) | `embeddings` | `embeddings {model}` | CLIENT |
//! | [`#[retrieval]`](retrieval) | `retrieval` | `retrieval {data_source}` | CLIENT |
//! | [`#[agent]`](agent) | `invoke_agent` | `invoke_agent {name}` | INTERNAL (CLIENT with `remote`) |
//! | [`#[workflow]`](workflow) | `invoke_workflow` | `invoke_workflow {name}` | INTERNAL |
//! | [`#[tool]`](tool) | `execute_tool` | `execute_tool {name}` | INTERNAL |
//!
//! ```
//! use otel_genai::{agent, gen_ai_chat, tool, Attributes, GenAiResponse};
//!
//! struct Reply { text: String, input_tokens: u32, output_tokens: u32 }
//!
//! impl GenAiResponse for Reply {
//!     fn record(&self, attrs: &mut Attributes) {
//!         attrs.set("gen_ai.usage.input_tokens", self.input_tokens);
//!         attrs.set("gen_ai.usage.output_tokens", self.output_tokens);
//!     }
//! }
//!
//! #[gen_ai_chat(provider = "openai", model = "gpt-4o", server = "api.openai.com:443")]
//! async fn ask(prompt: &str) -> Result<Reply, std::io::Error> {
//!     Ok(Reply { text: format!("echo: {prompt}"), input_tokens: 3, output_tokens: 4 })
//! }
//!
//! /// Looks a word up in the dictionary.
//! #[tool]
//! async fn lookup(word: &str) -> Option<String> {
//!     Some(word.to_uppercase())
//! }
//!
//! #[agent(name = "dictionary-agent")]
//! async fn define(word: &str) -> Result<String, std::io::Error> {
//!     let _known = lookup(word).await;
//!     Ok(ask(word).await?.text)
//! }
//! # let capture = otel_genai::testing::Capture::new();
//! # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # runtime.block_on(capture.scope(define("hello"))).unwrap();
//! # assert_eq!(capture.tree().outline(), "invoke_agent dictionary-agent\n  execute_tool lookup\n  chat gpt-4o\n");
//! ```
//!
//! Spans go to the global tracer provider, looked up when each span starts: install any
//! provider you like, or call [`init`] for one configured by the `OTEL_*` variables that
//! prints traces on the terminal when no exporter endpoint is set. Tests can capture
//! spans in memory with [`testing::Capture`].

#![warn(missing_docs)]

mod attributes;
mod content;
/// The pinned OpenTelemetry GenAI conventions as a typed table: every attribute with its
/// type, enum members, stability and phase, the deprecated names and their replacements,
/// and the requirement levels of each span definition. The macros check against the same
/// table when your code compiles.
///
/// ```
/// use otel_genai::conventions::{attribute, deprecation, ValueType};
///
/// assert_eq!(attribute("gen_ai.request.temperature").unwrap().ty, ValueType::Double);
/// assert_eq!(deprecation("gen_ai.system").unwrap().replacement, Some("gen_ai.provider.name"));
/// ```
pub mod conventions;
mod describe;
mod init;
mod probe;
mod semconv;
mod span;
pub mod testing;
mod tracer;
mod tree;
mod typed_values;

pub use attributes::{ArrayElement, Attributes, ToAttributeValue};
pub use content::{CAPTURE_ENV, capture_message_content, set_capture_message_content};
pub use conventions::SCHEMA_URL;
pub use describe::{ErrorType, GenAiRequest, GenAiResponse};
pub use init::{ConsoleTreeProcessor, InitError, Telemetry, init};
pub use otel_genai_macros::{
    GenAiRequest, GenAiResponse, agent, embeddings, gen_ai_chat, reasoning, retrieval, tool, workflow,
};
pub use semconv::{Operation, attr};
pub use tracer::scope;
pub use tree::{SpanNode, SpanTree};
pub use typed_values::{BoolAttribute, DoubleAttribute, IntAttribute, JsonAttribute, StrArrayAttribute, StrAttribute};

/// What the macros' generated code calls. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::__record_outcome as record_outcome;
    pub use crate::Operation;
    pub use crate::probe::{
        CodedError, DebuggedError, DisplayedError, ErrorProbe, NamedError, OpaqueError, Probe, RecordResponse,
        ResponseProbe, SkipResponse, SplitOutcome, SplitPlain, type_name_of,
    };
    pub use crate::span::SpanGuard;
    pub use crate::{Attributes, GenAiRequest, ToAttributeValue};
    pub use core::option::Option;
    pub use opentelemetry::trace::SpanKind;

    /// Adds an event to the current span, if it is recorded.
    pub fn record_event(name: impl Into<std::borrow::Cow<'static, str>>, describe: impl FnOnce(&mut Attributes)) {
        opentelemetry::Context::map_current(|cx| {
            use opentelemetry::trace::TraceContextExt as _;
            let span = cx.span();
            if span.is_recording() {
                let mut attrs = Attributes::new(crate::content::capture_enabled());
                describe(&mut attrs);
                span.add_event(name, attrs.into_vec());
            }
        });
    }

    /// Records the request's attributes (through any reference).
    pub fn record_request<R: GenAiRequest + ?Sized>(attrs: &mut Attributes, request: &R) {
        request.record(attrs);
    }
}

/// Records `value` as written, for an attribute whose well-known values it resembles.
///
/// The conventions' enums are open: `provider = "my-gateway"` is fine as it is. A value one
/// typo away from a well-known one (`provider = "opneai"`) is a compile error, because it
/// is almost always a mistake; wrap it to say that it is not.
///
/// ```
/// #[otel_genai::gen_ai_chat(provider = otel_genai::custom_value("openai-compatible"), model = "local")]
/// fn complete() {}
/// # complete();
/// ```
pub const fn custom_value(value: &'static str) -> &'static str {
    value
}
