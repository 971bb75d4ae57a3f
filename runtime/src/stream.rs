//! Instrumented streams: the span of a function that returns a stream stays open until the
//! stream ends, gathers the response from its chunks, and is the current span while the
//! stream is polled.

use std::borrow::Cow;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use futures_core::Stream;
use opentelemetry::{Array, KeyValue, StringValue, Value};

use crate::semconv::attr;
use crate::signals::totals::Usage;
use crate::span::{DeferredSpan, SpanGuard};

/// A stream chunk that tells what it knows about the response: its id, model, finish
/// reasons and token usage.
///
/// Implement it for the chunk type of a streaming client and the span of a function
/// returning a stream of those chunks (or of `Result`s of them) records the response
/// attributes when the stream ends. Chunk types that do not implement it need nothing:
/// the span still records the stream's timing, errors and end.
///
/// ```
/// use otel_genai::{GenAiChunk, StreamSummary, TokenCount};
///
/// struct Delta { id: String, text: String, finish: Option<String>, output_tokens: Option<u64> }
///
/// impl GenAiChunk for Delta {
///     fn record_chunk(&self, summary: &mut StreamSummary) {
///         summary.response_id(&self.id);
///         if let Some(reason) = &self.finish {
///             summary.finish_reason(0, reason);
///         }
///         // This provider reports the running total: the last value wins.
///         if let Some(tokens) = self.output_tokens {
///             summary.set_tokens(TokenCount::Output, tokens);
///         }
///     }
/// }
/// ```
pub trait GenAiChunk {
    /// Reports what this chunk says about the response.
    fn record_chunk(&self, summary: &mut StreamSummary);
}

impl<T: GenAiChunk + ?Sized> GenAiChunk for &T {
    fn record_chunk(&self, summary: &mut StreamSummary) {
        (**self).record_chunk(summary);
    }
}

impl<T: GenAiChunk + ?Sized> GenAiChunk for Box<T> {
    fn record_chunk(&self, summary: &mut StreamSummary) {
        (**self).record_chunk(summary);
    }
}

/// A token count a stream chunk can report, each recorded as its `gen_ai.usage.*`
/// attribute. Cache-read, cache-creation and reasoning tokens are parts of the input and
/// output counts, as the conventions define them, not additions to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenCount {
    /// `gen_ai.usage.input_tokens`: every input token, cached ones included.
    Input,
    /// `gen_ai.usage.output_tokens`: every output token, reasoning ones included.
    Output,
    /// `gen_ai.usage.cache_read.input_tokens`: input tokens served from the provider's cache.
    CacheReadInput,
    /// `gen_ai.usage.cache_creation.input_tokens`: input tokens written to the provider's cache.
    CacheCreationInput,
    /// `gen_ai.usage.reasoning.output_tokens`: output tokens spent on reasoning.
    ReasoningOutput,
}

impl TokenCount {
    pub(crate) const ALL: [TokenCount; 5] = [
        TokenCount::Input,
        TokenCount::Output,
        TokenCount::CacheReadInput,
        TokenCount::CacheCreationInput,
        TokenCount::ReasoningOutput,
    ];

    /// The attribute this count is recorded as.
    pub const fn attribute(self) -> &'static str {
        match self {
            TokenCount::Input => attr::GEN_AI_USAGE_INPUT_TOKENS,
            TokenCount::Output => attr::GEN_AI_USAGE_OUTPUT_TOKENS,
            TokenCount::CacheReadInput => attr::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
            TokenCount::CacheCreationInput => attr::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
            TokenCount::ReasoningOutput => attr::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
        }
    }
}

/// What the chunks of a stream said about the response, gathered as they arrive and
/// recorded on the span when the stream ends (or is dropped).
///
/// Providers differ in how they report: an id or model in every chunk (the last value
/// wins), usage as a running total ([`set_tokens`](StreamSummary::set_tokens): the last
/// value wins) or as increments ([`add_tokens`](StreamSummary::add_tokens): they sum),
/// a finish reason for each choice (one per choice index, the last wins).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StreamSummary {
    response_id: Option<String>,
    response_model: Option<String>,
    /// The finish reason of the first choice, and of the others (most streams have one).
    finish_reason: Option<String>,
    more_finish_reasons: Vec<Option<String>>,
    tokens: Usage,
    chunks: u64,
    time_to_first_chunk: Option<f64>,
    /// Other response attributes chunks reported (`openai.response.service_tier`, ...).
    others: Vec<(&'static str, Option<String>)>,
    /// The text of each choice, gathered only while content is captured.
    content: Option<Vec<String>>,
    /// The tool calls of each choice (by choice, then by the call's index), gathered only
    /// while content is captured.
    tool_calls: Vec<Vec<StreamedToolCall>>,
}

/// A tool call assembled from a stream's deltas.
#[derive(Debug, Default, Clone, PartialEq)]
struct StreamedToolCall {
    id: Option<String>,
    name: String,
    arguments: String,
}

impl StreamSummary {
    /// Sets `gen_ai.response.id`; the last value wins.
    #[inline]
    pub fn response_id(&mut self, id: &str) -> &mut Self {
        replace_text(&mut self.response_id, id);
        self
    }

    /// Sets `gen_ai.response.model`; the last value wins.
    #[inline]
    pub fn response_model(&mut self, model: &str) -> &mut Self {
        replace_text(&mut self.response_model, model);
        self
    }

    /// Sets the finish reason of the choice at `choice` (0 for single-choice streams); the
    /// last value for each choice wins. `gen_ai.response.finish_reasons` lists them in
    /// choice order.
    #[inline]
    pub fn finish_reason(&mut self, choice: usize, reason: &str) -> &mut Self {
        let slot = match choice.checked_sub(1) {
            None => &mut self.finish_reason,
            Some(other) => {
                if self.more_finish_reasons.len() <= other {
                    self.more_finish_reasons.resize(other + 1, None);
                }
                &mut self.more_finish_reasons[other]
            }
        };
        replace_text(slot, reason);
        self
    }

    /// Whether content is captured: only then does [`append_text`](StreamSummary::append_text)
    /// keep anything.
    pub fn captures_content(&self) -> bool {
        self.content.is_some()
    }

    /// Appends `text` to the output of the choice at `choice`, for
    /// `gen_ai.output.messages` when content is captured (otherwise it does nothing).
    pub fn append_text(&mut self, choice: usize, text: &str) -> &mut Self {
        if let Some(content) = &mut self.content {
            if content.len() <= choice {
                content.resize(choice + 1, String::new());
            }
            content[choice].push_str(text);
        }
        self
    }

    /// Adds a piece of a tool call to the output of the choice at `choice`, for
    /// `gen_ai.output.messages` when content is captured (otherwise it does nothing):
    /// streams send a call's id and name once and its arguments in pieces, by the call's
    /// `index` within the choice.
    pub fn tool_call_delta(
        &mut self,
        choice: usize,
        index: usize,
        id: Option<&str>,
        name: Option<&str>,
        arguments: Option<&str>,
    ) -> &mut Self {
        if self.content.is_none() {
            return self;
        }
        if self.tool_calls.len() <= choice {
            self.tool_calls.resize(choice + 1, Vec::new());
        }
        let calls = &mut self.tool_calls[choice];
        if calls.len() <= index {
            calls.resize(index + 1, StreamedToolCall::default());
        }
        let call = &mut calls[index];
        if let Some(id) = id {
            call.id = Some(id.to_owned());
        }
        if let Some(name) = name {
            call.name.push_str(name);
        }
        if let Some(arguments) = arguments {
            call.arguments.push_str(arguments);
        }
        self
    }

    /// Gathers the choices' text from now on, when the call has somewhere to put content.
    fn capturing(&mut self, guard: &SpanGuard) {
        if guard.captures_content() {
            self.content = Some(Vec::new());
        }
    }

    /// The choices' text as `gen_ai.output.messages`, with their finish reasons.
    fn output_messages(&self) -> Option<KeyValue> {
        use crate::content::messages::{FinishReason, OutputMessage, Part};
        let content = self.content.as_ref()?;
        let choices = content.len().max(self.tool_calls.len());
        if choices == 0 {
            return None;
        }
        let reason = |choice: usize| {
            let reason = match choice.checked_sub(1) {
                None => self.finish_reason.as_deref(),
                Some(other) => self.more_finish_reasons.get(other).and_then(Option::as_deref),
            };
            reason.map_or(FinishReason::Stop, FinishReason::from_provider)
        };
        let messages: Vec<OutputMessage<'_>> = (0..choices)
            .map(|choice| {
                let mut parts = Vec::new();
                if let Some(text) = content.get(choice).filter(|text| !text.is_empty()) {
                    parts.push(Part::text(text.as_str()));
                }
                for call in self.tool_calls.get(choice).into_iter().flatten() {
                    parts.push(Part::tool_call_written(call.id.as_deref(), &call.name, &call.arguments));
                }
                OutputMessage::new(parts, reason(choice))
            })
            .collect();
        let text = crate::content::captured_items(crate::content::ContentKind::OutputMessages, &messages);
        Some(KeyValue::new(attr::GEN_AI_OUTPUT_MESSAGES, text))
    }

    /// Sets another response attribute of the stream (a provider's own, such as
    /// `openai.response.system_fingerprint`); the last value wins.
    pub fn attribute(&mut self, key: &'static str, value: &str) -> &mut Self {
        let index = self.others.iter().position(|(held, _)| *held == key).unwrap_or_else(|| {
            self.others.push((key, None));
            self.others.len() - 1
        });
        replace_text(&mut self.others[index].1, value);
        self
    }

    /// Sets a token count reported as a running total: the last value wins.
    #[inline]
    pub fn set_tokens(&mut self, count: TokenCount, tokens: u64) -> &mut Self {
        self.tokens.set(count, tokens);
        self
    }

    /// Adds to a token count reported in increments: the values sum.
    #[inline]
    pub fn add_tokens(&mut self, count: TokenCount, tokens: u64) -> &mut Self {
        self.tokens.add(count, tokens);
        self
    }

    /// The token count gathered so far.
    pub fn tokens(&self, count: TokenCount) -> Option<u64> {
        self.tokens.get(count)
    }

    /// How many chunks the stream yielded so far.
    pub fn chunks(&self) -> u64 {
        self.chunks
    }

    /// Seconds from the start of the span to the first chunk, once there was one.
    pub fn time_to_first_chunk(&self) -> Option<f64> {
        self.time_to_first_chunk
    }

    /// The stream's response attributes, its output messages among them when content is
    /// captured.
    fn into_attributes(self) -> Vec<KeyValue> {
        let output = self.output_messages();
        let mut list = Vec::with_capacity(9);
        if let Some(seconds) = self.time_to_first_chunk {
            list.push(KeyValue::new(attr::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds));
        }
        if let Some(id) = self.response_id {
            list.push(KeyValue::new(attr::GEN_AI_RESPONSE_ID, id));
        }
        if let Some(model) = self.response_model {
            list.push(KeyValue::new(attr::GEN_AI_RESPONSE_MODEL, model));
        }
        let mut reasons = Vec::with_capacity(1 + self.more_finish_reasons.len());
        reasons.extend(
            self.finish_reason.into_iter().chain(self.more_finish_reasons.into_iter().flatten()).map(StringValue::from),
        );
        if !reasons.is_empty() {
            list.push(KeyValue::new(attr::GEN_AI_RESPONSE_FINISH_REASONS, Value::Array(Array::String(reasons))));
        }
        for count in TokenCount::ALL {
            if let Some(tokens) = self.tokens.get(count) {
                list.push(KeyValue::new(count.attribute(), i64::try_from(tokens).unwrap_or(i64::MAX)));
            }
        }
        list.extend(self.others.into_iter().filter_map(|(key, value)| Some(KeyValue::new(key, value?))));
        list.extend(output);
        list
    }
}

/// Replaces the text in `slot` with `text`, reusing its allocation: chunks repeat the
/// same id and model, and this runs for every chunk.
#[inline]
fn replace_text(slot: &mut Option<String>, text: &str) {
    match slot {
        Some(held) if held == text => {}
        Some(held) => {
            held.clear();
            held.push_str(text);
        }
        None => *slot = Some(text.to_owned()),
    }
}

/// What the code a span macro generates hands each item of an instrumented stream: the
/// place to report the chunk's response data, and the span to record an error on.
pub struct ChunkSink<'a> {
    guard: &'a mut SpanGuard,
    summary: &'a mut StreamSummary,
}

impl ChunkSink<'_> {
    /// Where a chunk reports what it knows.
    pub fn summary(&mut self) -> &mut StreamSummary {
        self.summary
    }

    /// Records an error item, as a returned `Err` is recorded.
    pub fn record_error(
        &mut self,
        error_type: Cow<'static, str>,
        exception_type: &'static str,
        message: impl FnOnce() -> String,
    ) {
        self.guard.record_error(error_type, exception_type, message);
    }
}

enum Phase {
    /// Not polled yet: the span starts at the first poll.
    Deferred(DeferredSpan),
    Started {
        guard: SpanGuard,
        /// When the span started; `None` when nothing is recorded.
        since: Option<Instant>,
        /// When the previous chunk came, while metrics are recorded.
        previous: Option<Instant>,
    },
    Ended,
}

/// A stream whose span stays open until it ends. Made by the code the span macros
/// generate for functions returning streams.
///
/// Each item is handed to the observer the macro generated (it reports chunks that
/// implement [`GenAiChunk`] and records error items); when the stream ends, the span
/// records what the chunks said and ends. Dropped before its end, the span ends as
/// cancelled; never polled, a deferred span records nothing.
#[must_use = "streams do nothing unless polled"]
pub struct InStream<S, O> {
    // Declared first, dropped first: a stream cut short drops its inner stream (and the
    // spans still open in it) before its own span ends.
    stream: S,
    observe: O,
    summary: StreamSummary,
    phase: Phase,
}

impl<S, O> InStream<S, O>
where
    S: Stream,
    O: FnMut(&S::Item, &mut ChunkSink<'_>),
{
    /// A stream whose span starts when it is first polled (a plain `fn` returning a
    /// stream: the call only builds it).
    pub fn deferred(span: DeferredSpan, stream: S, observe: O) -> Self {
        InStream { phase: Phase::Deferred(span), summary: StreamSummary::default(), observe, stream }
    }

    /// A stream whose span started at `since` (an `async fn` returning a stream: the span
    /// covers the request too).
    pub fn started(guard: SpanGuard, since: Instant, stream: S, observe: O) -> Self {
        let since = records(&guard).then_some(since);
        let mut summary = StreamSummary::default();
        summary.capturing(&guard);
        InStream { phase: Phase::Started { guard, since, previous: None }, summary, observe, stream }
    }
}

impl<S, O> InStream<S, O> {
    /// Starts a deferred span: the stream is polled for the first time.
    fn begin(&mut self) {
        if let Phase::Deferred(span) = std::mem::replace(&mut self.phase, Phase::Ended) {
            let guard = span.start();
            self.summary.capturing(&guard);
            let since = records(&guard).then(Instant::now);
            self.phase = Phase::Started { guard, since, previous: None };
        }
    }

    /// Records what the chunks said and ends the span.
    fn finish(&mut self) {
        if let Phase::Started { mut guard, .. } = std::mem::replace(&mut self.phase, Phase::Ended) {
            report(&mut guard, std::mem::take(&mut self.summary));
            guard.end();
        }
    }
}

impl<S, O> Stream for InStream<S, O>
where
    S: Stream,
    O: FnMut(&S::Item, &mut ChunkSink<'_>),
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        // SAFETY: `stream` is never moved out of `self` (nor in `Drop`); the other fields
        // are not structurally pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if let Phase::Deferred(_) = this.phase {
            this.begin();
        }
        let mut stream = unsafe { Pin::new_unchecked(&mut this.stream) };
        let Phase::Started { guard, since, previous } = &mut this.phase else {
            return stream.poll_next(task);
        };
        let polled = guard.poll_attached(|| stream.as_mut().poll_next(task));
        match &polled {
            Poll::Ready(Some(item)) => {
                if let Some(since) = since {
                    // One clock read a chunk, and only when something wants it.
                    let first = this.summary.chunks == 0;
                    let call = guard.measured();
                    if first || call.is_some() {
                        let now = Instant::now();
                        if first {
                            this.summary.time_to_first_chunk = Some(now.duration_since(*since).as_secs_f64());
                        }
                        if let Some(call) = call {
                            match previous.replace(now) {
                                None => call.first_chunk(now.duration_since(*since).as_secs_f64()),
                                Some(previous) => call.next_chunk(now.duration_since(previous).as_secs_f64()),
                            }
                        }
                    }
                    this.summary.chunks += 1;
                    (this.observe)(item, &mut ChunkSink { guard, summary: &mut this.summary });
                }
            }
            Poll::Ready(None) => this.finish(),
            Poll::Pending => {}
        }
        polled
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

impl<S, O> Drop for InStream<S, O> {
    fn drop(&mut self) {
        // Cut short: what the chunks said so far is still recorded; the guard's own drop
        // then marks the span cancelled.
        if let Phase::Started { guard, .. } = &mut self.phase {
            report(guard, std::mem::take(&mut self.summary));
        }
    }
}

/// Whether anything is recorded of a stream's chunks — its span, metrics, usage and cost,
/// errors — so that they are looked at.
fn records(guard: &SpanGuard) -> bool {
    guard.is_recording() || guard.has_call()
}

/// Hands what the chunks said to the span (attributes) and to its metrics and cost (usage).
fn report(guard: &mut SpanGuard, summary: StreamSummary) {
    let content = summary.captures_content();
    guard.observe_stream(summary.tokens, summary.response_model.as_deref());
    guard.report_response(summary.into_attributes(), content);
}

impl<S, O> std::fmt::Debug for InStream<S, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InStream").field("summary", &self.summary).finish_non_exhaustive()
    }
}
