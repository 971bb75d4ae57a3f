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
//! # Futures, streams, tasks
//!
//! The span lasts as long as the work: a function returning `impl Future` or a boxed future
//! (an `#[async_trait]` method among them) is timed by that future, from its first poll to
//! its end; a function returning a stream (or a `Result` holding one) keeps its span open
//! until the stream ends, recording `gen_ai.request.stream`,
//! `gen_ai.response.time_to_first_chunk` and what chunks implementing [`GenAiChunk`] say.
//!
//! ```
//! use futures::stream::{self, Stream, StreamExt as _};
//! use otel_genai::{GenAiChunk, StreamSummary};
//!
//! struct Delta { id: &'static str, text: &'static str }
//!
//! impl GenAiChunk for Delta {
//!     fn record_chunk(&self, summary: &mut StreamSummary) {
//!         summary.response_id(self.id);
//!     }
//! }
//!
//! #[otel_genai::gen_ai_chat(provider = "openai", model = "gpt-4o")]
//! fn complete(prompt: &'static str) -> impl Stream<Item = Delta> {
//!     stream::iter([Delta { id: "r-1", text: prompt }, Delta { id: "r-1", text: "!" }])
//! }
//! # let capture = otel_genai::testing::Capture::new();
//! # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # let text: String = runtime.block_on(capture.scope(async { complete("hi").map(|d| d.text).collect().await }));
//! # assert_eq!(text, "hi!");
//! # assert_eq!(capture.tree().root().str_attr("gen_ai.response.id"), Some("r-1"));
//! ```
//!
//! Work handed to another task or thread keeps its parent through [`spawn`],
//! [`spawn_blocking`], [`spawn_into`], [`spawn_thread`] and
//! [`in_current_context`](FutureContextExt::in_current_context); across processes through
//! [`propagation`]. [`propagate_attributes!`] gives every span in a scope the same
//! attributes. The [`context`] module explains what each is for.
//!
//! # Requests and responses
//!
//! `#[derive(GenAiRequest)]` and `#[derive(GenAiResponse)]` turn a struct's fields into
//! attributes: pass the request with `request = expr` and its fields are on the span when
//! it starts (samplers see them); return the response (directly, in `Ok` or in `Some`) and
//! its fields are recorded when the call ends.
//!
//! ```
//! use otel_genai::{gen_ai_chat, GenAiRequest, GenAiResponse};
//! use otel_genai::content::messages::ChatMessage;
//!
//! #[derive(GenAiRequest)]
//! struct ChatRequest {
//!     #[gen_ai(request.model)]       model: String,
//!     #[gen_ai(request.temperature)] temperature: Option<f64>,   // `None`: not recorded
//!     max_tokens: Option<u32>,         // no `#[gen_ai]`: `gen_ai.request.max_tokens`, by its name
//!     #[gen_ai(input.messages)]      messages: Vec<ChatMessage<'static>>, // only with content capture on
//!     #[gen_ai(skip)]                api_key: String,
//! }
//!
//! #[derive(GenAiResponse)]
//! struct ChatResponse {
//!     #[gen_ai(response.id)]         id: String,
//!     #[gen_ai(flatten)]             usage: Usage,
//! }
//!
//! #[derive(GenAiResponse)]
//! struct Usage { input_tokens: u32, output_tokens: u32 }   // gen_ai.usage.*, by their names
//!
//! #[gen_ai_chat(provider = "openai", request = req)]
//! fn complete(req: &ChatRequest) -> ChatResponse {
//!     ChatResponse { id: "r-1".into(), usage: Usage { input_tokens: 12, output_tokens: 3 } }
//! }
//! # let capture = otel_genai::testing::Capture::new();
//! # let req = ChatRequest { model: "gpt-4o".into(), temperature: None, max_tokens: Some(64), messages: vec![], api_key: String::new() };
//! # capture.in_scope(|| complete(&req));
//! # let tree = capture.tree();
//! # assert_eq!(tree.root().name(), "chat gpt-4o");
//! # assert_eq!(tree.root().int_attr("gen_ai.request.max_tokens"), Some(64));
//! # assert_eq!(tree.root().int_attr("gen_ai.usage.output_tokens"), Some(3));
//! ```
//!
//! A field option is an attribute name — the `gen_ai.` prefix may be left out; names in
//! other namespaces (`server.address`, `openai.request.service_tier`) are written in full,
//! your own as a string (`#[gen_ai("app.tier")]`) — or `skip`, or `flatten` for a nested
//! struct deriving the same trait. A field without an option is recorded when its name
//! completes an attribute name: `gen_ai.request.{field}` for a request,
//! `gen_ai.response.{field}` or `gen_ai.usage.{field}` for a response.
//!
//! # Checked when your code compiles
//!
//! Every attribute name written in a macro argument, a derive or [`reasoning!`] is checked
//! against the pinned conventions ([`conventions`]): an unknown name in a namespace the
//! conventions own (`gen_ai.`, `server.`, `error.`, `openai.`, `aws.bedrock.`, `mcp.`)
//! fails with a "did you mean", a deprecated one names its replacement, a value whose type
//! cannot fit fails at your field or expression, a response attribute cannot be a start
//! attribute (nor the reverse), and a misspelt well-known value (`provider = "opneai"`)
//! fails with a suggestion ([`custom_value`] keeps one on purpose). Names in other
//! namespaces are yours and pass as written.
//!
//! ```compile_fail
//! #[otel_genai::gen_ai_chat(provider = "openai", attributes(gen_ai.request.temperture = 0.2))]
//! fn complete() {} // error: unknown attribute `gen_ai.request.temperture`; did you mean `gen_ai.request.temperature`?
//! ```
//!
//! Spans go to the global tracer provider, looked up when each span starts: install any
//! provider you like, or call [`init()`] for one configured by the `OTEL_*` variables that
//! prints traces on the terminal when no exporter endpoint is set. Tests can capture
//! spans in memory with [`testing::Capture`].

#![warn(missing_docs)]

mod address;
pub mod content;
pub mod context;
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
mod diagnostics;
pub mod init;
#[cfg(feature = "async-openai")]
pub mod openai;
mod semconv;
mod signals;
mod span;
mod stream;
pub mod testing;
mod tree;
mod typed_values;
mod usage;

pub use content::messages::{InputMessages, OutputMessages, SystemInstructions, ToolDefinitions};
pub use content::{CAPTURE_ENV, capture_message_content, set_capture_message_content};
pub use context::{
    FutureContextExt, InContext, PropagatedAttributes, propagate_attributes, propagation, spawn_thread,
    with_current_context,
};
#[cfg(feature = "tokio")]
pub use context::{spawn, spawn_blocking, spawn_into};
pub use conventions::SCHEMA_URL;
pub use describe::{ErrorType, GenAiRequest, GenAiResponse};
pub use init::{ConsoleTreeProcessor, InitError, Telemetry, init, init_with, init_with_diagnostics};
/// A span for a call to a GenAI model: `chat {model}`, kind CLIENT.
///
/// Arguments: `provider` (required), `model`, `request` (a [`GenAiRequest`]), `server =
/// "host:port"` or `server_address`/`server_port`, `conversation_id`, `operation =
/// "text_completion" | "generate_content"`, `attributes(key = value, ...)`, `crate = path`.
/// Values are expressions over the function's arguments, evaluated once at span start.
///
/// ```
/// #[otel_genai::gen_ai_chat(provider = "openai", model = model, server = "api.openai.com:443")]
/// async fn complete(model: &str, prompt: &str) -> Result<String, std::io::Error> {
///     Ok(format!("{model}: {prompt}"))
/// }
/// ```
pub use otel_genai_macros::gen_ai_chat;
pub use span::attributes::{ArrayElement, Attributes, ToAttributeValue};
pub use stream::{GenAiChunk, StreamSummary, TokenCount};

/// A span for an embeddings request: `embeddings {model}`, kind CLIENT.
///
/// Arguments: `provider` (required), `model`, `request`, `server`, `server_address`,
/// `server_port`, `attributes(...)`, `crate`.
///
/// ```
/// #[otel_genai::embeddings(provider = "openai", model = "text-embedding-3-small")]
/// fn embed(text: &str) -> Vec<f32> {
///     vec![text.len() as f32]
/// }
/// ```
pub use otel_genai_macros::embeddings;

/// A span for a retrieval from a vector store or search system: `retrieval {data_source}`,
/// kind CLIENT.
///
/// Arguments: `data_source`, `provider`, `model`, `request`, `server`, `server_address`,
/// `server_port`, `attributes(...)`, `crate`.
///
/// ```
/// #[otel_genai::retrieval(data_source = "kb-docs", attributes(gen_ai.retrieval.top_k = k))]
/// async fn search(query: &str, k: u32) -> Vec<String> {
///     vec![query.to_owned(); k as usize]
/// }
/// ```
pub use otel_genai_macros::retrieval;

/// A span for an agent run: `invoke_agent {name}`, kind INTERNAL, or CLIENT with `remote`.
///
/// Arguments: `name` (default: the function's name), `description` (default: its doc
/// comment), `id`, `version`, `conversation_id`, `data_source`, `model`, `provider`
/// (required with `remote`), `request`, `remote`, `server`, `server_address`,
/// `server_port`, `attributes(...)`, `crate`.
///
/// ```
/// /// Answers questions about the weather.
/// #[otel_genai::agent(name = "weather", conversation_id = session)]
/// async fn weather(session: &str, question: &str) -> String {
///     format!("{session}: sunny, whatever {question} asks")
/// }
/// ```
pub use otel_genai_macros::agent;

/// A span for a workflow run: `invoke_workflow {name}`, kind INTERNAL.
///
/// Arguments: `name` (default: the function's name), `attributes(...)`, `crate`.
///
/// ```
/// #[otel_genai::workflow(name = "nightly-digest")]
/// async fn digest() {}
/// ```
pub use otel_genai_macros::workflow;

/// A span for a tool call: `execute_tool {name}`, kind INTERNAL, `gen_ai.tool.type =
/// "function"` unless `type` says otherwise.
///
/// Arguments: `name` (default: the function's name), `description` (default: its doc
/// comment), `call_id`, `type`, `attributes(...)`, `crate`.
///
/// ```
/// /// Searches the web.
/// #[otel_genai::tool]
/// async fn web_search(query: &str) -> Result<Vec<String>, std::io::Error> {
///     Ok(vec![query.to_owned()])
/// }
/// ```
pub use otel_genai_macros::tool;

/// Records an event on the current span, if it is recorded: a name, then attributes
/// checked like every other.
///
/// ```
/// #[otel_genai::agent(name = "planner")]
/// fn plan(task: &str) -> usize {
///     let steps = task.split_whitespace().count();
///     otel_genai::reasoning!("plan ready", app.steps = steps, app.task = task);
///     steps
/// }
/// # let capture = otel_genai::testing::Capture::new();
/// # capture.in_scope(|| plan("a b c"));
/// # assert_eq!(capture.tree().root().event_names(), ["plan ready"]);
/// ```
pub use otel_genai_macros::reasoning;

/// [`propagate_attributes()`](fn@propagate_attributes) with attributes whose names are
/// checked when the code compiles, like every macro argument: unknown or deprecated names
/// in the conventions' namespaces, response attributes and values of the wrong type fail
/// the build. The builder it returns takes more with its methods.
///
/// ```
/// #[otel_genai::tool]
/// fn lookup(word: &str) -> usize { word.len() }
///
/// let tenant = "acme";
/// let scope = otel_genai::propagate_attributes!(gen_ai.conversation.id = "c-9", app.tenant = tenant);
/// # let capture = otel_genai::testing::Capture::new();
/// # capture.in_scope(|| {
/// scope.user_id("u-1").in_scope(|| lookup("hello"));
/// # });
/// # let tree = capture.tree();
/// # assert_eq!(tree.root().str_attr("gen_ai.conversation.id"), Some("c-9"));
/// # assert_eq!(tree.root().str_attr("app.tenant"), Some("acme"));
/// # assert_eq!(tree.root().str_attr("user.id"), Some("u-1"));
/// ```
///
/// ```compile_fail
/// // error: `gen_ai.usage.input_tokens` is known only when the call returns, ...
/// let scope = otel_genai::propagate_attributes!(gen_ai.usage.input_tokens = 3);
/// ```
pub use otel_genai_macros::propagate_attributes;

/// Derives [`GenAiRequest`](trait@GenAiRequest): the struct's fields become start
/// attributes. See [the crate docs](crate#requests-and-responses).
pub use otel_genai_macros::GenAiRequest;

/// Derives [`GenAiResponse`](trait@GenAiResponse): the struct's fields become response
/// attributes. See [the crate docs](crate#requests-and-responses).
pub use otel_genai_macros::GenAiResponse;
pub use semconv::{Operation, attr, event, total};
pub use signals::evaluation::{Evaluation, SpanRef, SpanRefError, evaluation};
pub use signals::events::{set_events_on_spans, set_logger_provider};
pub use signals::metrics::set_meter_provider;
pub use signals::pricing::{BUILTIN_PRICES_DATE, Price, Pricing, PricingError, set_pricing};
pub use span::tracer::{REFRESH_EVERY, scope, set_tracer_provider};
pub use tree::{Elapsed, SpanNode, SpanTree};
pub use typed_values::{BoolAttribute, DoubleAttribute, IntAttribute, JsonAttribute, StrArrayAttribute, StrAttribute};
pub use usage::TokenUsage;

/// What the macros' generated code calls. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::Operation;
    pub use crate::span::probe::{
        ChunkProbe, CodedError, DebuggedError, DisplayedError, ErrorProbe, JsonProbe, NamedError, ObserveChunk,
        OpaqueError, OpaqueJson, Probe, RecordResponse, ResponseProbe, SerializeJson, SkipChunk, SkipResponse,
        SplitOutcome, SplitPlain, type_name_of,
    };
    pub use crate::span::{CallSite, DeferredSpan, SpanGuard};
    pub use crate::stream::{ChunkSink, InStream};
    pub use crate::{
        __observe_items as observe_items, __record_error as record_error, __record_outcome as record_outcome,
    };
    pub use crate::{Attributes, GenAiRequest, ToAttributeValue};
    pub use core::option::Option;
    pub use core::pin::pin;
    pub use core::result::Result;
    pub use opentelemetry::Key;
    pub use opentelemetry::trace::SpanKind;
    pub use std::boxed::Box;
    pub use std::time::Instant;

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

    /// Runs the body of a function returning a future or stream: it only builds what it
    /// returns, so no span is current yet.
    #[inline(always)]
    pub fn construct<R>(body: impl FnOnce() -> R) -> R {
        body()
    }

    /// Records a tool's arguments (those that serialise) as `gen_ai.tool.call.arguments`.
    pub fn capture_arguments(attrs: &mut Attributes, arguments: &[(&str, Option<serde_json::Value>)]) {
        let object: serde_json::Map<String, serde_json::Value> =
            arguments.iter().filter_map(|(name, value)| Some(((*name).to_owned(), value.clone()?))).collect();
        let json = crate::content::captured_json(crate::content::ContentKind::ToolArguments, object.into());
        attrs.set_value(opentelemetry::Key::from_static_str(crate::attr::GEN_AI_TOOL_CALL_ARGUMENTS), json.into());
    }

    /// Records the request's attributes (through any reference).
    pub fn record_request<R: GenAiRequest + ?Sized>(attrs: &mut Attributes, request: &R) {
        attrs.expect_repeats();
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
