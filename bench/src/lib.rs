//! The workloads the benchmarks run, each written four ways: bare, with our macros,
//! hand-written against the OpenTelemetry API with exactly the attributes the macros emit,
//! and with `#[tracing::instrument]` recording the same fields through
//! `tracing-opentelemetry`.
//!
//! Adding a workload: a function in each of the four modules, and a line in the bench.

pub mod alloc_count;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context as TaskContext, Poll, Waker};

use opentelemetry::global;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider, SpanData, SpanExporter};

/// Runs a future that completes without waiting (as every workload here does) to its end.
pub fn complete<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("the workloads never wait"),
    }
}

/// An exporter that drops every span: the figures are the instrumentation's cost, not I/O.
#[derive(Debug, Default)]
pub struct DiscardExporter;

impl SpanExporter for DiscardExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        black_box(batch);
        Ok(())
    }
}

/// A real SDK tracer provider, batching into [`DiscardExporter`]. The queue is deep enough
/// that bursts of a benchmark's iterations are queued rather than dropped, so every
/// variant pays the same for handing spans over.
pub fn sdk_provider() -> SdkTracerProvider {
    let config = BatchConfigBuilder::default().with_max_queue_size(1 << 16).build();
    let processor = BatchSpanProcessor::builder(DiscardExporter).with_batch_config(config).build();
    SdkTracerProvider::builder().with_span_processor(processor).build()
}

/// Installs the SDK provider globally and returns it (shut it down when done).
pub fn install_sdk() -> SdkTracerProvider {
    let provider = sdk_provider();
    global::set_tracer_provider(provider.clone());
    provider
}

/// Installs the no-op provider globally: nothing is recorded.
pub fn install_noop() {
    global::set_tracer_provider(opentelemetry::trace::noop::NoopTracerProvider::new());
}

/// A chat request as an application has it.
#[derive(Debug, Clone, otel_genai::GenAiRequest)]
pub struct ChatRequest {
    /// `gen_ai.request.model`
    pub model: String,
    /// `gen_ai.request.temperature`
    pub temperature: Option<f64>,
    /// `gen_ai.request.max_tokens`
    pub max_tokens: Option<u32>,
}

/// A chat response with usage.
#[derive(Debug, Clone, otel_genai::GenAiResponse)]
pub struct ChatResponse {
    /// `gen_ai.response.id`
    pub id: String,
    /// `gen_ai.response.model`
    pub model: String,
    /// `gen_ai.response.finish_reasons`
    pub finish_reasons: Vec<String>,
    /// `gen_ai.usage.input_tokens`
    pub input_tokens: u32,
    /// `gen_ai.usage.output_tokens`
    pub output_tokens: u32,
}

/// The request every chat workload sends.
pub fn request() -> ChatRequest {
    ChatRequest { model: "gpt-4o".to_owned(), temperature: Some(0.2), max_tokens: Some(256) }
}

/// What the model "answers": the same work in every variant.
fn answer(req: &ChatRequest) -> ChatResponse {
    ChatResponse {
        id: "chatcmpl-1".to_owned(),
        model: format!("{}-2024-08-06", black_box(&req.model)),
        finish_reasons: vec!["stop".to_owned()],
        input_tokens: 42,
        output_tokens: 7,
    }
}

fn look_up(query: &str) -> usize {
    black_box(query).len()
}

/// The error type of the workloads (never returned here).
#[derive(Debug)]
pub struct ApiError;

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("api error")
    }
}

/// No instrumentation.
pub mod bare {
    use super::*;

    /// The tool.
    pub fn tool(query: &str) -> Result<usize, ApiError> {
        Ok(look_up(query))
    }

    /// The chat call.
    pub async fn chat(req: &ChatRequest) -> Result<ChatResponse, ApiError> {
        Ok(answer(req))
    }

    /// The agent: four nested calls.
    pub async fn agent(task: &str) -> Result<usize, ApiError> {
        let req = request();
        let plan = chat(&req).await?;
        let hits = tool(task)? + tool(&plan.id)?;
        let summary = chat(&req).await?;
        Ok(hits + summary.output_tokens as usize)
    }
}

/// With the otel-genai macros.
pub mod ours {
    use super::*;

    /// Looks a word up.
    #[otel_genai::tool]
    pub fn tool(query: &str) -> Result<usize, ApiError> {
        Ok(look_up(query))
    }

    /// The chat call.
    #[otel_genai::gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
    pub async fn chat(req: &ChatRequest) -> Result<ChatResponse, ApiError> {
        Ok(answer(req))
    }

    /// The agent: four nested calls.
    #[otel_genai::agent(name = "bench-agent")]
    pub async fn agent(task: &str) -> Result<usize, ApiError> {
        let req = request();
        let plan = chat(&req).await?;
        let hits = tool(task)? + tool(&plan.id)?;
        let summary = chat(&req).await?;
        Ok(hits + summary.output_tokens as usize)
    }
}

/// Hand-written against the OpenTelemetry API, with a tracer fetched once and kept, the
/// way applications write it; the same attributes, parents and outcome as the macros.
pub mod hand {
    use opentelemetry::context::FutureExt as _;
    use opentelemetry::global::BoxedTracer;
    use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer, TracerProvider as _};
    use opentelemetry::{Context, KeyValue};

    use super::*;

    /// Instrumentation holding its tracer.
    pub struct Hand {
        tracer: BoxedTracer,
    }

    impl Default for Hand {
        fn default() -> Self {
            Hand::new()
        }
    }

    impl Hand {
        /// Fetches the tracer from the global provider, once.
        pub fn new() -> Hand {
            Hand { tracer: global::tracer_provider().tracer_with_scope(otel_genai::scope()) }
        }

        fn end<T>(cx: &Context, result: &Result<T, ApiError>) {
            let span = cx.span();
            if let Err(error) = result {
                span.set_attribute(KeyValue::new("error.type", std::any::type_name::<ApiError>()));
                span.set_status(Status::error(error.to_string()));
            }
            span.end();
        }

        /// The tool.
        pub fn tool(&self, query: &str) -> Result<usize, ApiError> {
            let span = self
                .tracer
                .span_builder("execute_tool tool")
                .with_kind(SpanKind::Internal)
                .with_attributes([
                    KeyValue::new("gen_ai.operation.name", "execute_tool"),
                    KeyValue::new("gen_ai.tool.name", "tool"),
                    KeyValue::new("gen_ai.tool.description", "Looks a word up."),
                    KeyValue::new("gen_ai.tool.type", "function"),
                ])
                .start(&self.tracer);
            let cx = Context::current_with_span(span);
            let result = {
                let _attached = cx.clone().attach();
                Ok(look_up(query))
            };
            Self::end(&cx, &result);
            result
        }

        /// The chat call.
        pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ApiError> {
            let mut attributes = vec![
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.request.model", req.model.clone()),
            ];
            if let Some(temperature) = req.temperature {
                attributes.push(KeyValue::new("gen_ai.request.temperature", temperature));
            }
            if let Some(max_tokens) = req.max_tokens {
                attributes.push(KeyValue::new("gen_ai.request.max_tokens", i64::from(max_tokens)));
            }
            attributes.push(KeyValue::new("gen_ai.provider.name", "openai"));
            attributes.push(KeyValue::new("server.address", "api.openai.com"));
            attributes.push(KeyValue::new("server.port", 443_i64));
            let span = self
                .tracer
                .span_builder(format!("chat {}", req.model))
                .with_kind(SpanKind::Client)
                .with_attributes(attributes)
                .start(&self.tracer);
            let cx = Context::current_with_span(span);
            let result = async { Ok(answer(req)) }.with_context(cx.clone()).await;
            if let Ok(response) = &result {
                let span = cx.span();
                span.set_attributes([
                    KeyValue::new("gen_ai.response.id", response.id.clone()),
                    KeyValue::new("gen_ai.response.model", response.model.clone()),
                    KeyValue::new(
                        "gen_ai.response.finish_reasons",
                        opentelemetry::Value::Array(opentelemetry::Array::String(
                            response.finish_reasons.iter().map(|r| r.clone().into()).collect(),
                        )),
                    ),
                    KeyValue::new("gen_ai.usage.input_tokens", i64::from(response.input_tokens)),
                    KeyValue::new("gen_ai.usage.output_tokens", i64::from(response.output_tokens)),
                ]);
            }
            Self::end(&cx, &result);
            result
        }

        /// The agent: four nested calls.
        pub async fn agent(&self, task: &str) -> Result<usize, ApiError> {
            let span = self
                .tracer
                .span_builder("invoke_agent bench-agent")
                .with_kind(SpanKind::Internal)
                .with_attributes([
                    KeyValue::new("gen_ai.operation.name", "invoke_agent"),
                    KeyValue::new("gen_ai.agent.name", "bench-agent"),
                ])
                .start(&self.tracer);
            let cx = Context::current_with_span(span);
            let result = async {
                let req = request();
                let plan = self.chat(&req).await?;
                let hits = self.tool(task)? + self.tool(&plan.id)?;
                let summary = self.chat(&req).await?;
                Ok(hits + summary.output_tokens as usize)
            }
            .with_context(cx.clone())
            .await;
            Self::end(&cx, &result);
            result
        }
    }
}

/// With `#[tracing::instrument]`, recording the same fields; exported through
/// `tracing-opentelemetry`.
pub mod traced {
    use tracing::field::Empty;

    use super::*;

    /// A subscriber exporting to `provider`'s tracer.
    pub fn subscriber(provider: &SdkTracerProvider) -> impl tracing::Subscriber + Send + Sync {
        use opentelemetry::trace::TracerProvider as _;
        use tracing_subscriber::layer::SubscriberExt as _;
        let tracer = provider.tracer_with_scope(otel_genai::scope());
        tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer))
    }

    /// The tool.
    #[tracing::instrument(
        name = "execute_tool tool",
        skip_all,
        fields(
            otel.kind = "internal",
            gen_ai.operation.name = "execute_tool",
            gen_ai.tool.name = "tool",
            gen_ai.tool.description = "Looks a word up.",
            gen_ai.tool.type = "function",
        )
    )]
    pub fn tool(query: &str) -> Result<usize, ApiError> {
        Ok(look_up(query))
    }

    /// The chat call.
    #[tracing::instrument(
        name = "chat",
        skip_all,
        fields(
            otel.name = format!("chat {}", req.model),
            otel.kind = "client",
            gen_ai.operation.name = "chat",
            gen_ai.request.model = req.model.as_str(),
            gen_ai.request.temperature = req.temperature,
            gen_ai.request.max_tokens = req.max_tokens,
            gen_ai.provider.name = "openai",
            server.address = "api.openai.com",
            server.port = 443,
            gen_ai.response.id = Empty,
            gen_ai.response.model = Empty,
            gen_ai.response.finish_reasons = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
        )
    )]
    pub async fn chat(req: &ChatRequest) -> Result<ChatResponse, ApiError> {
        let response = answer(req);
        let span = tracing::Span::current();
        span.record("gen_ai.response.id", response.id.as_str());
        span.record("gen_ai.response.model", response.model.as_str());
        span.record("gen_ai.response.finish_reasons", tracing::field::debug(&response.finish_reasons));
        span.record("gen_ai.usage.input_tokens", response.input_tokens);
        span.record("gen_ai.usage.output_tokens", response.output_tokens);
        Ok(response)
    }

    /// The agent: four nested calls.
    #[tracing::instrument(
        name = "invoke_agent bench-agent",
        skip_all,
        fields(otel.kind = "internal", gen_ai.operation.name = "invoke_agent", gen_ai.agent.name = "bench-agent")
    )]
    pub async fn agent(task: &str) -> Result<usize, ApiError> {
        let req = request();
        let plan = chat(&req).await?;
        let hits = tool(task)? + tool(&plan.id)?;
        let summary = chat(&req).await?;
        Ok(hits + summary.output_tokens as usize)
    }
}
