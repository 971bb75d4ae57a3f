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

/// A metric exporter that drops every export.
#[derive(Debug, Default)]
pub struct DiscardMetricExporter;

impl opentelemetry_sdk::metrics::exporter::PushMetricExporter for DiscardMetricExporter {
    async fn export(&self, metrics: &opentelemetry_sdk::metrics::data::ResourceMetrics) -> OTelSdkResult {
        black_box(metrics);
        Ok(())
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> opentelemetry_sdk::metrics::Temporality {
        opentelemetry_sdk::metrics::Temporality::Cumulative
    }
}

/// Installs a real SDK meter provider globally, its periodic reader exporting to
/// [`DiscardMetricExporter`], and returns it (shut it down when done).
pub fn install_meters() -> opentelemetry_sdk::metrics::SdkMeterProvider {
    let reader = opentelemetry_sdk::metrics::PeriodicReader::builder(DiscardMetricExporter).build();
    let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().with_reader(reader).build();
    otel_genai::set_meter_provider(provider.clone());
    provider
}

/// Installs the no-op meter provider globally.
pub fn uninstall_meters() {
    otel_genai::set_meter_provider(opentelemetry::metrics::noop::NoopMeterProvider::new());
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

/// Drains a stream whose items are all ready (as every workload's are), counting them.
pub fn drain<S: futures::Stream>(stream: S) -> usize {
    let mut stream = pin!(stream);
    let mut task = TaskContext::from_waker(Waker::noop());
    let mut count = 0;
    loop {
        match stream.as_mut().poll_next(&mut task) {
            Poll::Ready(Some(item)) => {
                black_box(item);
                count += 1;
            }
            Poll::Ready(None) => return count,
            Poll::Pending => unreachable!("the workloads never wait"),
        }
    }
}

/// Runs `future` on this thread's current-thread tokio runtime: the spawn workload needs
/// one, and every variant pays the same for it.
pub fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime =
            tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}

/// A chunk of a streamed chat, as a streaming client yields it: the id and model in every
/// chunk, the finish reason and usage in the last.
#[derive(Debug, Clone, Copy)]
pub struct StreamChunk {
    /// The response id.
    pub id: &'static str,
    /// The response model.
    pub model: &'static str,
    /// Some text.
    pub text: &'static str,
    /// The finish reason, in the last chunk.
    pub finish: Option<&'static str>,
    /// Input and output tokens, in the last chunk.
    pub usage: Option<(u64, u64)>,
}

impl otel_genai::GenAiChunk for StreamChunk {
    fn record_chunk(&self, summary: &mut otel_genai::StreamSummary) {
        use otel_genai::TokenCount;
        summary.response_id(self.id).response_model(self.model);
        if let Some(reason) = self.finish {
            summary.finish_reason(0, reason);
        }
        if let Some((input, output)) = self.usage {
            summary.set_tokens(TokenCount::Input, input).set_tokens(TokenCount::Output, output);
        }
    }
}

/// The chunks the model "streams": `count` of them.
fn chunks(count: usize) -> impl futures::Stream<Item = StreamChunk> + Unpin {
    futures::stream::iter((0..count).map(move |index| {
        let last = index + 1 == count;
        StreamChunk {
            id: "chatcmpl-1",
            model: "gpt-4o-2024-08-06",
            text: "tok",
            finish: last.then_some("stop"),
            usage: last.then_some((42, count as u64)),
        }
    }))
}

async fn fetch_page(query: &str) -> usize {
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

    /// A streamed chat of `count` chunks.
    pub fn stream_chat(req: &ChatRequest, count: usize) -> impl futures::Stream<Item = StreamChunk> + use<> {
        black_box(&req.model);
        chunks(count)
    }

    /// The spawned tool.
    pub async fn fetch(query: &'static str) -> usize {
        fetch_page(query).await
    }

    /// An agent that runs a tool in a task of its own.
    pub async fn spawner(query: &'static str) -> usize {
        tokio::spawn(fetch(query)).await.unwrap_or_default()
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

    /// A streamed chat of `count` chunks.
    #[otel_genai::gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
    pub fn stream_chat(req: &ChatRequest, count: usize) -> impl futures::Stream<Item = StreamChunk> + use<> {
        black_box(&req.model);
        chunks(count)
    }

    /// Fetches a page.
    #[otel_genai::tool]
    pub async fn fetch(query: &'static str) -> usize {
        fetch_page(query).await
    }

    /// An agent that runs a tool in a task of its own.
    #[otel_genai::agent(name = "bench-spawner")]
    pub async fn spawner(query: &'static str) -> usize {
        otel_genai::spawn(fetch(query)).await.unwrap_or_default()
    }
}

/// Hand-written against the OpenTelemetry API, with a tracer fetched once and kept, the
/// way applications write it; the same attributes, parents and outcome as the macros.
pub mod hand {
    use std::sync::Arc;
    use std::time::Instant;

    use opentelemetry::context::FutureExt as _;
    use opentelemetry::global::BoxedTracer;
    use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer, TracerProvider as _};
    use opentelemetry::{Context, KeyValue};

    use super::*;

    /// Instrumentation holding its tracer, and its histograms when it records metrics.
    #[derive(Clone)]
    pub struct Hand {
        tracer: Arc<BoxedTracer>,
        metrics: Option<Arc<HandMetrics>>,
    }

    /// The histograms hand-written code records, with the names, units and buckets the
    /// conventions give.
    pub struct HandMetrics {
        duration: opentelemetry::metrics::Histogram<f64>,
        tokens: opentelemetry::metrics::Histogram<u64>,
        cost: opentelemetry::metrics::Histogram<f64>,
        agent: opentelemetry::metrics::Histogram<f64>,
        inference_calls: opentelemetry::metrics::Histogram<u64>,
        tool_calls: opentelemetry::metrics::Histogram<u64>,
        tool: opentelemetry::metrics::Histogram<f64>,
    }

    const SECONDS: [f64; 14] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    impl HandMetrics {
        fn new() -> HandMetrics {
            let meter = global::meter_provider().meter_with_scope(otel_genai::scope());
            let seconds =
                |name: &'static str| meter.f64_histogram(name).with_unit("s").with_boundaries(SECONDS.to_vec()).build();
            let calls = |name: &'static str, unit: &'static str| {
                meter
                    .u64_histogram(name)
                    .with_unit(unit)
                    .with_boundaries(vec![0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0])
                    .build()
            };
            HandMetrics {
                duration: seconds("gen_ai.client.operation.duration"),
                tokens: meter
                    .u64_histogram("gen_ai.client.token.usage")
                    .with_unit("{token}")
                    .with_boundaries(
                        [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
                            .map(f64::from)
                            .to_vec(),
                    )
                    .build(),
                cost: meter
                    .f64_histogram("gen_ai.usage.cost")
                    .with_unit("USD")
                    .with_boundaries(vec![0.00001, 0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0])
                    .build(),
                agent: seconds("gen_ai.invoke_agent.duration"),
                inference_calls: calls("gen_ai.invoke_agent.inference_calls", "{inference_call}"),
                tool_calls: calls("gen_ai.invoke_agent.tool_calls", "{tool_call}"),
                tool: seconds("gen_ai.execute_tool.duration"),
            }
        }
    }

    impl Default for Hand {
        fn default() -> Self {
            Hand::new()
        }
    }

    impl Hand {
        /// Fetches the tracer from the global provider, once.
        pub fn new() -> Hand {
            Hand { tracer: Arc::new(global::tracer_provider().tracer_with_scope(otel_genai::scope())), metrics: None }
        }

        /// Also records the metrics the macros record, into the global meter provider.
        pub fn with_metrics() -> Hand {
            Hand { metrics: Some(Arc::new(HandMetrics::new())), ..Hand::new() }
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
            self.tool_of(None, query)
        }

        /// The tool called by the agent `agent`: its duration metric names the agent, as the
        /// conventions ask when it is known.
        fn tool_of(&self, agent: Option<&'static str>, query: &str) -> Result<usize, ApiError> {
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
                .start(self.tracer.as_ref());
            let started = self.metrics.as_ref().map(|_| Instant::now());
            let cx = Context::current_with_span(span);
            let result = {
                let _attached = cx.clone().attach();
                Ok(look_up(query))
            };
            Self::end(&cx, &result);
            if let (Some(metrics), Some(started)) = (&self.metrics, started) {
                let seconds = started.elapsed().as_secs_f64();
                let (name, kind) =
                    (KeyValue::new("gen_ai.tool.name", "tool"), KeyValue::new("gen_ai.tool.type", "function"));
                match agent {
                    Some(agent) => {
                        metrics.tool.record(seconds, &[name, kind, KeyValue::new("gen_ai.agent.name", agent)])
                    }
                    None => metrics.tool.record(seconds, &[name, kind]),
                }
            }
            result
        }

        /// The chat call.
        pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ApiError> {
            let attributes = chat_attributes(req);
            let span = self
                .tracer
                .span_builder(format!("chat {}", req.model))
                .with_kind(SpanKind::Client)
                .with_attributes(attributes)
                .start(self.tracer.as_ref());
            let started = self.metrics.as_ref().map(|_| Instant::now());
            let cx = Context::current_with_span(span);
            let result = async { Ok(answer(req)) }.with_context(cx.clone()).await;
            if let (Some(metrics), Some(started), Ok(response)) = (&self.metrics, started, &result) {
                let mut attributes = vec![
                    KeyValue::new("gen_ai.operation.name", "chat"),
                    KeyValue::new("gen_ai.provider.name", "openai"),
                    KeyValue::new("gen_ai.request.model", req.model.clone()),
                    KeyValue::new("gen_ai.response.model", response.model.clone()),
                    KeyValue::new("server.address", "api.openai.com"),
                    KeyValue::new("server.port", 443_i64),
                ];
                metrics.duration.record(started.elapsed().as_secs_f64(), &attributes);
                attributes.push(KeyValue::new("gen_ai.token.type", "input"));
                metrics.tokens.record(response.input_tokens.into(), &attributes);
                if let Some(last) = attributes.last_mut() {
                    *last = KeyValue::new("gen_ai.token.type", "output");
                }
                metrics.tokens.record(response.output_tokens.into(), &attributes);
                let cost = gpt_4o_cost(response.input_tokens.into(), response.output_tokens.into());
                metrics.cost.record(
                    cost,
                    &[
                        KeyValue::new("gen_ai.operation.name", "chat"),
                        KeyValue::new("gen_ai.provider.name", "openai"),
                        KeyValue::new("gen_ai.request.model", req.model.clone()),
                        KeyValue::new("gen_ai.response.model", response.model.clone()),
                    ],
                );
            }
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
                    KeyValue::new(
                        "gen_ai.usage.cost",
                        gpt_4o_cost(response.input_tokens.into(), response.output_tokens.into()),
                    ),
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
                    KeyValue::new("gen_ai.agent.description", "The agent: four nested calls."),
                ])
                .start(self.tracer.as_ref());
            let started = self.metrics.as_ref().map(|_| Instant::now());
            let cx = Context::current_with_span(span);
            let result = async {
                let req = request();
                let plan = self.chat(&req).await?;
                let hits = self.tool_of(Some("bench-agent"), task)? + self.tool_of(Some("bench-agent"), &plan.id)?;
                let summary = self.chat(&req).await?;
                // The totals of what the agent ran, as hand-written code sums them.
                let (input, output) = (
                    u64::from(plan.input_tokens + summary.input_tokens),
                    u64::from(plan.output_tokens + summary.output_tokens),
                );
                cx.span().set_attributes([
                    KeyValue::new("otel_genai.total.input_tokens", input as i64),
                    KeyValue::new("otel_genai.total.output_tokens", output as i64),
                    KeyValue::new(
                        "otel_genai.total.cost",
                        gpt_4o_cost(plan.input_tokens.into(), plan.output_tokens.into())
                            + gpt_4o_cost(summary.input_tokens.into(), summary.output_tokens.into()),
                    ),
                    KeyValue::new("otel_genai.total.inference_calls", 2_i64),
                    KeyValue::new("otel_genai.total.tool_calls", 2_i64),
                ]);
                Ok(hits + summary.output_tokens as usize)
            }
            .with_context(cx.clone())
            .await;
            Self::end(&cx, &result);
            if let (Some(metrics), Some(started)) = (&self.metrics, started) {
                let name = [KeyValue::new("gen_ai.agent.name", "bench-agent")];
                metrics.agent.record(started.elapsed().as_secs_f64(), &name);
                metrics.inference_calls.record(2, &name);
                metrics.tool_calls.record(2, &name);
            }
            result
        }

        /// A streamed chat of `count` chunks, its span open until the stream ends.
        pub fn stream_chat(
            &self,
            req: &ChatRequest,
            count: usize,
        ) -> HandStream<impl futures::Stream<Item = StreamChunk> + Unpin> {
            black_box(&req.model);
            let mut attributes = chat_attributes(req);
            attributes.push(KeyValue::new("gen_ai.request.stream", true));
            let span = self
                .tracer
                .span_builder(format!("chat {}", req.model))
                .with_kind(SpanKind::Client)
                .with_attributes(attributes)
                .start(self.tracer.as_ref());
            HandStream {
                cx: Context::current_with_span(span),
                inner: chunks(count),
                since: Instant::now(),
                seen: Seen::default(),
            }
        }

        /// The spawned tool.
        pub async fn fetch(&self, query: &'static str) -> usize {
            let span = self
                .tracer
                .span_builder("execute_tool fetch")
                .with_kind(SpanKind::Internal)
                .with_attributes([
                    KeyValue::new("gen_ai.operation.name", "execute_tool"),
                    KeyValue::new("gen_ai.tool.name", "fetch"),
                    KeyValue::new("gen_ai.tool.description", "Fetches a page."),
                    KeyValue::new("gen_ai.tool.type", "function"),
                ])
                .start(self.tracer.as_ref());
            let cx = Context::current_with_span(span);
            let result = fetch_page(query).with_context(cx.clone()).await;
            cx.span().end();
            result
        }

        /// An agent that runs a tool in a task of its own, the context carried along.
        pub async fn spawner(&self, query: &'static str) -> usize {
            let span = self
                .tracer
                .span_builder("invoke_agent bench-spawner")
                .with_kind(SpanKind::Internal)
                .with_attributes([
                    KeyValue::new("gen_ai.operation.name", "invoke_agent"),
                    KeyValue::new("gen_ai.agent.name", "bench-spawner"),
                    KeyValue::new("gen_ai.agent.description", "An agent that runs a tool in a task of its own."),
                ])
                .start(self.tracer.as_ref());
            let cx = Context::current_with_span(span);
            // The body runs in the agent's context, as every agent body here does, and hands
            // it to the task it spawns.
            let hand = self.clone();
            let result = async move {
                tokio::spawn(async move { hand.fetch(query).await }.with_current_context()).await.unwrap_or_default()
            }
            .with_context(cx.clone())
            .await;
            cx.span().set_attributes([
                KeyValue::new("otel_genai.total.inference_calls", 0_i64),
                KeyValue::new("otel_genai.total.tool_calls", 1_i64),
            ]);
            cx.span().end();
            result
        }
    }

    /// What a `gpt-4o` call costs at 2.50 and 10.00 USD per million input and output tokens.
    fn gpt_4o_cost(input: u64, output: u64) -> f64 {
        (input as f64 * 2.5 + output as f64 * 10.0) / 1_000_000.0
    }

    /// The start attributes of a chat span.
    fn chat_attributes(req: &ChatRequest) -> Vec<KeyValue> {
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
        attributes
    }

    /// What the chunks said, kept the way hand-written code keeps it.
    #[derive(Default)]
    struct Seen {
        first: Option<f64>,
        id: Option<String>,
        model: Option<String>,
        finish: Option<String>,
        usage: Option<(u64, u64)>,
    }

    fn keep(slot: &mut Option<String>, text: &str) {
        if slot.as_deref() != Some(text) {
            *slot = Some(text.to_owned());
        }
    }

    /// A stream attaching its span's context on every poll, ending the span at its end.
    pub struct HandStream<S> {
        cx: Context,
        inner: S,
        since: Instant,
        seen: Seen,
    }

    impl<S: futures::Stream<Item = StreamChunk> + Unpin> futures::Stream for HandStream<S> {
        type Item = StreamChunk;

        fn poll_next(mut self: std::pin::Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<StreamChunk>> {
            let this = &mut *self;
            let polled = {
                let _attached = this.cx.clone().attach();
                std::pin::Pin::new(&mut this.inner).poll_next(task)
            };
            match &polled {
                Poll::Ready(Some(chunk)) => {
                    let seen = &mut this.seen;
                    if seen.first.is_none() {
                        seen.first = Some(this.since.elapsed().as_secs_f64());
                    }
                    keep(&mut seen.id, chunk.id);
                    keep(&mut seen.model, chunk.model);
                    if let Some(reason) = chunk.finish {
                        keep(&mut seen.finish, reason);
                    }
                    if chunk.usage.is_some() {
                        seen.usage = chunk.usage;
                    }
                }
                Poll::Ready(None) => {
                    let seen = std::mem::take(&mut this.seen);
                    let span = this.cx.span();
                    let mut attributes = Vec::with_capacity(6);
                    if let Some(first) = seen.first {
                        attributes.push(KeyValue::new("gen_ai.response.time_to_first_chunk", first));
                    }
                    if let Some(id) = seen.id {
                        attributes.push(KeyValue::new("gen_ai.response.id", id));
                    }
                    if let Some(model) = seen.model {
                        attributes.push(KeyValue::new("gen_ai.response.model", model));
                    }
                    if let Some(finish) = seen.finish {
                        attributes.push(KeyValue::new(
                            "gen_ai.response.finish_reasons",
                            opentelemetry::Value::Array(opentelemetry::Array::String(vec![finish.into()])),
                        ));
                    }
                    if let Some((input, output)) = seen.usage {
                        attributes.push(KeyValue::new("gen_ai.usage.input_tokens", input as i64));
                        attributes.push(KeyValue::new("gen_ai.usage.output_tokens", output as i64));
                        attributes.push(KeyValue::new("gen_ai.usage.cost", gpt_4o_cost(input, output)));
                    }
                    span.set_attributes(attributes);
                    span.end();
                }
                Poll::Pending => {}
            }
            polled
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
        fields(
            otel.kind = "internal",
            gen_ai.operation.name = "invoke_agent",
            gen_ai.agent.name = "bench-agent",
            gen_ai.agent.description = "The agent: four nested calls.",
        )
    )]
    pub async fn agent(task: &str) -> Result<usize, ApiError> {
        let req = request();
        let plan = chat(&req).await?;
        let hits = tool(task)? + tool(&plan.id)?;
        let summary = chat(&req).await?;
        Ok(hits + summary.output_tokens as usize)
    }

    /// A streamed chat of `count` chunks, the span entered on every poll and closed at
    /// the stream's end.
    pub fn stream_chat(
        req: &ChatRequest,
        count: usize,
    ) -> TracedStream<impl futures::Stream<Item = StreamChunk> + Unpin> {
        black_box(&req.model);
        let span = tracing::info_span!(
            "chat",
            otel.name = format!("chat {}", req.model),
            otel.kind = "client",
            gen_ai.operation.name = "chat",
            gen_ai.request.model = req.model.as_str(),
            gen_ai.request.temperature = req.temperature,
            gen_ai.request.max_tokens = req.max_tokens,
            gen_ai.provider.name = "openai",
            server.address = "api.openai.com",
            server.port = 443,
            gen_ai.request.stream = true,
            gen_ai.response.time_to_first_chunk = Empty,
            gen_ai.response.id = Empty,
            gen_ai.response.model = Empty,
            gen_ai.response.finish_reasons = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
        );
        TracedStream { span, inner: chunks(count), since: std::time::Instant::now(), first: false }
    }

    /// A stream entering its span on every poll.
    pub struct TracedStream<S> {
        span: tracing::Span,
        inner: S,
        since: std::time::Instant,
        first: bool,
    }

    impl<S: futures::Stream<Item = StreamChunk> + Unpin> futures::Stream for TracedStream<S> {
        type Item = StreamChunk;

        fn poll_next(mut self: std::pin::Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<StreamChunk>> {
            let this = &mut *self;
            let polled = {
                let _entered = this.span.enter();
                std::pin::Pin::new(&mut this.inner).poll_next(task)
            };
            match &polled {
                Poll::Ready(Some(chunk)) => {
                    if !this.first {
                        this.first = true;
                        this.span.record("gen_ai.response.time_to_first_chunk", this.since.elapsed().as_secs_f64());
                    }
                    this.span.record("gen_ai.response.id", chunk.id);
                    this.span.record("gen_ai.response.model", chunk.model);
                    if let Some(reason) = chunk.finish {
                        this.span.record("gen_ai.response.finish_reasons", tracing::field::debug(&[reason]));
                    }
                    if let Some((input, output)) = chunk.usage {
                        this.span.record("gen_ai.usage.input_tokens", input);
                        this.span.record("gen_ai.usage.output_tokens", output);
                    }
                }
                Poll::Ready(None) => this.span = tracing::Span::none(),
                Poll::Pending => {}
            }
            polled
        }
    }

    /// The spawned tool.
    #[tracing::instrument(
        name = "execute_tool fetch",
        skip_all,
        fields(
            otel.kind = "internal",
            gen_ai.operation.name = "execute_tool",
            gen_ai.tool.name = "fetch",
            gen_ai.tool.description = "Fetches a page.",
            gen_ai.tool.type = "function",
        )
    )]
    pub async fn fetch(query: &'static str) -> usize {
        fetch_page(query).await
    }

    /// An agent that runs a tool in a task of its own, the span carried along.
    #[tracing::instrument(
        name = "invoke_agent bench-spawner",
        skip_all,
        fields(
            otel.kind = "internal",
            gen_ai.operation.name = "invoke_agent",
            gen_ai.agent.name = "bench-spawner",
            gen_ai.agent.description = "An agent that runs a tool in a task of its own.",
        )
    )]
    pub async fn spawner(query: &'static str) -> usize {
        use tracing::Instrument as _;
        tokio::spawn(fetch(query).in_current_span()).await.unwrap_or_default()
    }
}

/// Times `measured` while `others` run in between, untimed, batch by batch, in an order
/// that rotates every round: every variant sees the same export queue, allocator and
/// scheduler state at every point of the export cycle. On a shared two-core machine a
/// variant measured alone swings between runs with the state the batch exporter is in.
pub fn interleaved(iters: u64, batch: u64, measured: &dyn Fn(), others: &[&dyn Fn()]) -> std::time::Duration {
    let rounds = iters.div_ceil(batch);
    let mut spent = std::time::Duration::ZERO;
    let slots = others.len() + 1;
    for round in 0..rounds {
        for slot in 0..slots {
            // Rotate the measured variant's position through the round.
            let turn = (slot + round as usize) % slots;
            if turn == 0 {
                let start = std::time::Instant::now();
                for _ in 0..batch {
                    measured();
                }
                spent += start.elapsed();
            } else {
                for _ in 0..batch {
                    others[turn - 1]();
                }
            }
        }
    }
    spent.mul_f64(iters as f64 / (rounds * batch) as f64)
}
