//! The span lifecycle behind every span macro: start, attach on every poll, record the
//! outcome, end exactly once (also on panic and cancellation).

pub(crate) mod attributes;
pub(crate) mod call;
pub(crate) mod probe;
pub(crate) mod tracer;

use std::any::Any;
use std::borrow::Cow;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::logs::Severity;
use opentelemetry::trace::{SpanBuilder, SpanKind, SpanRef, Status, TraceContextExt};
use opentelemetry::{Context, KeyValue, Value};

use std::sync::Arc;

pub use self::call::CallSite;
use self::call::{Call, Outcome};
use self::tracer::{Sources, SpanSource};
use crate::context::ScopedAttributes;
use crate::semconv::{Operation, attr};
use crate::signals::events::{self, Event};
use crate::signals::totals::{CurrentRun, RunNode, Usage};

/// The event of a client operation's failure.
const EXCEPTION_EVENT: &str = crate::event::GEN_AI_CLIENT_OPERATION_EXCEPTION;
/// The event of a model call's details, content included, in the `EVENT_*` capture modes.
const DETAILS_EVENT: &str = crate::event::GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS;
use crate::{Attributes, GenAiResponse, content};

/// One instrumented call's span, from its start to its end.
///
/// Created by the code the span macros generate; ends exactly once: through
/// [`SpanGuard::end`] after the outcome was recorded, when the body panics, or — if the
/// future was dropped before it completed — in `Drop`, marked as cancelled. When nothing
/// records spans or metrics (no provider installed) it holds nothing and every step is a
/// no-op.
#[derive(Debug)]
pub struct SpanGuard {
    /// The context the body runs in: the span's, and the run node of an agent or workflow.
    cx: Option<Context>,
    /// Whether this guard started a span (else `cx` is only there to carry a run node).
    owns_span: bool,
    /// Whether the span records (a sampled-out span still propagates its context).
    recording: bool,
    ended: bool,
    /// The run this call is part of, or the agent's or workflow's own (`own_run`).
    run: Option<Arc<RunNode>>,
    own_run: bool,
    /// Metrics, usage and cost, when any of them is wanted.
    call: Option<Call>,
    /// A client operation: its failures are `gen_ai.client.operation.exception` events.
    client: bool,
    operation: Operation,
    /// Content goes on the span (a `SPAN_*` capture mode and a tracer); whether it also goes
    /// to the details event is the call's (`Call::keeps_details`).
    content_on_span: bool,
    /// An error was recorded: dropped afterwards, the span keeps that error rather than
    /// becoming "cancelled".
    errored: bool,
}

impl SpanGuard {
    /// Starts the span of `operation` as a child of the current context. `name` is the
    /// span name when the macro knew it at compile time; otherwise it is made from the
    /// operation and the attribute the conventions name spans by. `describe` writes the
    /// start attributes (about `capacity` of them); they are on the span builder, so
    /// samplers see them. `site` is the call site when its metric attributes are all
    /// literals (a `CallSite`).
    pub fn start(
        operation: Operation,
        kind: SpanKind,
        name: Option<&'static str>,
        capacity: usize,
        site: Option<&'static CallSite>,
        describe: impl FnOnce(&mut Attributes),
    ) -> SpanGuard {
        SpanGuard::start_described(operation, kind, name, capacity, site, &mut once(describe))
    }

    /// [`SpanGuard::start`], compiled once for every call site: only the writing of the
    /// attributes is the site's own code.
    #[inline(never)]
    fn start_described(
        operation: Operation,
        kind: SpanKind,
        name: Option<&'static str>,
        capacity: usize,
        site: Option<&'static CallSite>,
        describe: &mut dyn FnMut(&mut Attributes),
    ) -> SpanGuard {
        match prepare(operation, kind, name, capacity, site, describe) {
            Some(prepared) => SpanGuard::build(prepared.tracer.as_ref(), prepared.parts),
            None => SpanGuard::NONE,
        }
    }

    const NONE: SpanGuard = SpanGuard {
        cx: None,
        owns_span: false,
        recording: false,
        ended: false,
        run: None,
        own_run: false,
        call: None,
        client: false,
        operation: Operation::ExecuteTool,
        content_on_span: false,
        errored: false,
    };

    #[inline]
    fn build(tracer: Option<&SpanSource>, parts: Parts) -> SpanGuard {
        let Parts { parent, builder, run, own_run, call, client, operation, content_on_span } = parts;
        let span = match (tracer, builder) {
            (Some(tracer), Some(SpanStart { name, kind, attributes })) => {
                // Built here, where it is used: a span builder is large to move around.
                let builder = SpanBuilder::from_name(name).with_kind(kind).with_attributes(attributes);
                Some(tracer.build(builder, &parent))
            }
            _ => None,
        };
        let recording = span.as_ref().is_some_and(opentelemetry::trace::Span::is_recording);
        let owns_span = span.is_some();
        let mut cx = span.map(|span| parent.with_span(span));
        if own_run && let Some(run) = &run {
            cx = Some(cx.unwrap_or(parent).with_value(CurrentRun(run.clone())));
        }
        SpanGuard {
            cx,
            owns_span,
            recording,
            ended: false,
            run,
            own_run,
            call,
            client,
            operation,
            content_on_span,
            errored: false,
        }
    }

    /// Runs the pinned `body` to completion with this span's context attached around every
    /// poll. A panic ends the span with `error.type = "panic"` and continues unwinding.
    ///
    /// The body is pinned by the caller (in its own state), so the instrumented future is
    /// no bigger than the body plus this guard.
    pub fn run<'a, F: Future>(&'a mut self, body: Pin<&'a mut F>) -> InSpan<'a, F> {
        InSpan { guard: self, body }
    }

    fn poll_in<F: Future>(&mut self, body: Pin<&mut F>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        if self.is_empty() {
            return body.poll(task);
        }
        let attached = self.cx.clone().map(Context::attach);
        let polled = catch_unwind(AssertUnwindSafe(|| body.poll(task)));
        drop(attached);
        polled.unwrap_or_else(|payload| self.end_panicked(payload))
    }

    /// Nothing is recorded of this call: no span, no metrics.
    #[inline]
    fn is_empty(&self) -> bool {
        self.cx.is_none() && self.call.is_none()
    }

    /// Runs `body` with this span's context attached. A panic ends the span with
    /// `error.type = "panic"` and continues unwinding.
    pub fn run_sync<R>(&mut self, body: impl FnOnce() -> R) -> R {
        if self.is_empty() {
            return body();
        }
        let attached = self.cx.clone().map(Context::attach);
        let result = catch_unwind(AssertUnwindSafe(body));
        drop(attached);
        result.unwrap_or_else(|payload| self.end_panicked(payload))
    }

    /// Runs `poll` with this span's context attached: for polls made many times, such as
    /// a stream's. A panic ends the span with `error.type = "panic"` (without its message:
    /// no `catch_unwind` on this path) and continues unwinding.
    #[inline]
    pub(crate) fn poll_attached<T>(&mut self, poll: impl FnOnce() -> T) -> T {
        if self.is_empty() {
            return poll();
        }
        let attached = self.cx.clone().map(Context::attach);
        let on_panic = EndOnPanic(self);
        let polled = poll();
        std::mem::forget(on_panic);
        drop(attached);
        polled
    }

    /// The span, when it is recorded.
    #[inline]
    fn recording(&self) -> Option<SpanRef<'_>> {
        self.cx.as_ref().filter(|_| self.recording).map(TraceContextExt::span)
    }

    /// Whether the span is recorded and has not ended.
    #[inline]
    pub(crate) fn is_recording(&self) -> bool {
        self.recording && !self.ended
    }

    /// Records the attributes of the value the function returned.
    pub fn record_response<R: GenAiResponse + ?Sized>(&mut self, response: &R) {
        if !self.recording && self.call.is_none() {
            return;
        }
        // Room for the usual response attributes: id, model, finish reasons, usage.
        let mut attrs = Attributes::with_capacity(8, self.captures_content());
        response.record(&mut attrs);
        if let Some(call) = &mut self.call {
            call.observe_response(&attrs);
        }
        let content = attrs.capture_content();
        self.report_response(attrs.into_vec(), content);
    }

    /// Records what a stream's chunks said about usage and the response model, for the
    /// call's metrics and cost; its attributes then go through [`SpanGuard::report_response`].
    pub(crate) fn observe_stream(&mut self, usage: Usage, response_model: Option<&str>) {
        if let Some(call) = &mut self.call {
            call.observe_stream(usage, response_model);
        }
    }

    /// Where a response's attributes go, returned or streamed, once the call has observed
    /// them: all of them to the details event (kept in the `EVENT_*` modes), and to the span
    /// with the call's cost, content only in the `SPAN_*` modes (`content`: they may hold
    /// some).
    pub(crate) fn report_response(&mut self, mut attrs: Vec<KeyValue>, content: bool) {
        let mut cost = None;
        if let Some(call) = &mut self.call {
            call.add_details(attrs.iter());
            // With the response's attributes: one write to the span, not two.
            cost = call.report_cost();
        }
        if let Some(span) = self.recording() {
            if content && !self.content_on_span {
                attrs.retain(|kv| !content::is_content(kv.key.as_str()));
            }
            attrs.extend(cost);
            span.set_attributes(attrs);
        }
    }

    /// Whether a returned value is recorded as `gen_ai.tool.call.result`: a tool's span,
    /// recorded, with content going on spans.
    #[inline]
    pub fn captures_tool_result(&self) -> bool {
        self.operation == Operation::ExecuteTool && self.recording && self.content_on_span
    }

    /// Whether what the call returns has anywhere to put content: its span, or its details
    /// event.
    pub(crate) fn captures_content(&self) -> bool {
        self.content_on_span || self.call.as_ref().is_some_and(Call::keeps_details)
    }

    /// Records a tool's result (when it serialised).
    pub fn record_tool_result(&mut self, result: Option<serde_json::Value>) {
        if let (Some(result), Some(span)) = (result, self.recording()) {
            let json = content::captured_json(content::ContentKind::ToolResult, result);
            span.set_attribute(KeyValue::new(attr::GEN_AI_TOOL_CALL_RESULT, json));
        }
    }

    /// Whether the call's usage, cost or metrics are recorded.
    pub(crate) fn has_call(&self) -> bool {
        self.call.is_some()
    }

    /// The metrics state of the call, when metrics are recorded.
    pub(crate) fn measured(&self) -> Option<&Call> {
        self.call.as_ref().filter(|call| call.measures())
    }

    /// Records a returned error: status Error with `message`, `error.type`, and an
    /// `exception` event. `message` is only computed when the span is recorded.
    pub fn record_error(
        &mut self,
        error_type: Cow<'static, str>,
        exception_type: &'static str,
        message: impl FnOnce() -> String,
    ) {
        self.errored = true;
        if let Some(call) = &mut self.call {
            call.observe_error(error_type.clone());
        }
        let cx = match (&self.cx, self.client) {
            (Some(cx), _) => Some(cx.clone()),
            (None, true) => Some(Context::current()),
            (None, false) => None,
        };
        let event = self.client && cx.as_ref().is_some_and(events::wanted);
        if !self.recording && !event {
            return;
        }
        let message = message();
        if event && let Some(cx) = &cx {
            let span = self.recording.then(|| cx.span());
            let attributes = events::exception_attributes(&error_type, exception_type, &message);
            let about = self.owns_span.then(|| events::span_context(cx));
            events::emit(
                cx,
                Event { name: EXCEPTION_EVENT, severity: Severity::Warn, attributes, about, span: span.as_ref() },
            );
        }
        if let Some(span) = self.recording() {
            record_failure(&span, error_type, Cow::Borrowed(exception_type), message);
        }
    }

    /// Ends the span after its outcome was recorded.
    #[inline]
    pub fn end(mut self) {
        self.finish();
    }

    fn end_panicked(&mut self, payload: Box<dyn Any + Send>) -> ! {
        self.end_failed("panic", || panic_message(payload.as_ref()));
        resume_unwind(payload)
    }

    /// Ends the span as failed with `error_type` (also its `exception.type`) and the
    /// message, computed only when the span is recorded.
    fn end_failed(&mut self, error_type: &'static str, message: impl FnOnce() -> String) {
        self.record_error(Cow::Borrowed(error_type), error_type, message);
        self.finish();
    }

    /// Records cost, totals and metrics, then ends the span: once.
    #[inline]
    fn finish(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        if self.call.is_some() || self.run.is_some() {
            self.finish_call();
        }
        if self.owns_span
            && let Some(cx) = &self.cx
        {
            cx.span().end();
        }
    }

    /// Cost, counts, totals and metrics of the call.
    #[inline(never)]
    fn finish_call(&mut self) {
        // A tool call counts in the enclosing run whatever else is measured (a model call
        // counts in it with its usage, from its `Call`).
        if let (Some(run), false, Operation::ExecuteTool) = (&self.run, self.own_run, self.operation) {
            run.add_tool_call();
        }
        let Outcome { cost, details } = match &mut self.call {
            Some(call) => call.finish(self.run.as_ref()),
            None => Outcome::default(),
        };
        self.call = None;
        // Kept only when a logger was there to take it (`prepare`); never on the span, which
        // content must not reach in the `EVENT_ONLY` mode.
        if let Some(details) = details {
            let cx = self.cx.clone().unwrap_or_else(Context::current);
            let about = self.owns_span.then(|| events::span_context(&cx));
            events::emit(
                &cx,
                Event { name: DETAILS_EVENT, severity: Severity::Info, attributes: details, about, span: None },
            );
        }
        if let Some(span) = self.recording() {
            if let Some(usd) = cost {
                span.set_attribute(KeyValue::new(attr::GEN_AI_USAGE_COST, usd));
            }
            if let Some(run) = self.run.as_ref().filter(|_| self.own_run) {
                span.set_attributes(run.total_attributes());
            }
        }
    }
}

/// The span of a call whose work happens later, in the future or stream it returns: its
/// parent and start attributes are taken when the function is called, the span starts
/// when that future or stream is first polled. Never polled, it records nothing.
#[derive(Debug)]
pub struct DeferredSpan(Option<Pending>);

#[derive(Debug)]
struct Pending {
    parts: Parts,
    /// Prepared with the first span of a freshly fetched tracer.
    fresh: bool,
}

impl DeferredSpan {
    /// Takes the current context as the parent and writes the start attributes, as
    /// [`SpanGuard::start`] does, without starting the span.
    pub fn new(
        operation: Operation,
        kind: SpanKind,
        name: Option<&'static str>,
        capacity: usize,
        site: Option<&'static CallSite>,
        describe: impl FnOnce(&mut Attributes),
    ) -> DeferredSpan {
        DeferredSpan(prepare(operation, kind, name, capacity, site, &mut once(describe)).map(|prepared| Pending {
            fresh: prepared.tracer.as_ref().is_some_and(SpanSource::is_fresh),
            parts: prepared.parts,
        }))
    }

    /// Starts the span now, as a child of the context taken when the call was made.
    pub fn start(self) -> SpanGuard {
        let Some(Pending { mut parts, fresh }) = self.0 else {
            return SpanGuard::NONE;
        };
        if let Some(call) = &mut parts.call {
            call.start = std::time::Instant::now();
        }
        let tracer = parts.builder.as_ref().and_then(|_| SpanSource::for_context(&parts.parent));
        SpanGuard::build(tracer.map(|tracer| tracer.freshened(fresh)).as_ref(), parts)
    }
}

/// A span about to start: what the tracer needs, and what the call measures.
#[derive(Debug)]
struct Parts {
    parent: Context,
    /// `None` when no tracer records.
    builder: Option<SpanStart>,
    run: Option<Arc<RunNode>>,
    /// `run` is the call's own (an agent or workflow): it goes into the body's context.
    own_run: bool,
    call: Option<Call>,
    client: bool,
    operation: Operation,
    content_on_span: bool,
}

/// What a span builder is made of, kept small until the span starts.
#[derive(Debug)]
struct SpanStart {
    name: Cow<'static, str>,
    kind: SpanKind,
    attributes: Vec<KeyValue>,
}

struct Prepared {
    tracer: Option<SpanSource>,
    parts: Parts,
}

/// Room a model call's span keeps for its response's attributes (id, model, finish reasons,
/// input and output tokens, cost), so that recording them does not grow the list.
const RESPONSE_ROOM: usize = 6;

/// The most attributes a span's list is first given room for: it stays under 1 KiB, a size
/// allocators serve from their fast per-thread caches (glibc, asked for more, first
/// consolidates its free lists: measured at 5% of a model call's time when the list of a
/// chat grew past it on its response).
const SMALL_LIST: usize = 1000 / std::mem::size_of::<KeyValue>();

/// The room a span's attribute list starts with: the start attributes (`capacity`, as the
/// macro counted them) and, for a model call, its response's, within [`SMALL_LIST`].
fn span_capacity(operation: Operation, capacity: usize) -> usize {
    if call::is_model_call(operation) && capacity < SMALL_LIST {
        (capacity + RESPONSE_ROOM).min(SMALL_LIST)
    } else {
        capacity
    }
}

/// `describe` as a function that can be called through a reference, once.
fn once(describe: impl FnOnce(&mut Attributes)) -> impl FnMut(&mut Attributes) {
    let mut describe = Some(describe);
    move |attrs| {
        if let Some(describe) = describe.take() {
            describe(attrs);
        }
    }
}

/// Everything a span needs before it starts, or `None` when nothing records spans or
/// metrics (then `describe` is not called: argument expressions are not evaluated). Not
/// generic, so that every call site shares its code.
fn prepare(
    operation: Operation,
    kind: SpanKind,
    name: Option<&'static str>,
    capacity: usize,
    mut site: Option<&'static CallSite>,
    describe: &mut dyn FnMut(&mut Attributes),
) -> Option<Prepared> {
    let Sources { tracer, instruments, parent } = Sources::current(kind == SpanKind::Client)?;
    // Where content can go, decided once: on the span in the `SPAN_*` modes when there is
    // a span; to a model call's details event in the `EVENT_*` modes when a logger takes
    // it. Content with nowhere to go is never built.
    let mode = content::capture_mode();
    let content_on_span = mode.on_spans() && tracer.is_some();
    let details = mode.on_events() && call::is_model_call(operation) && events::logged(&parent);
    let mut attrs = Attributes::with_distinct_keys(span_capacity(operation, capacity), content_on_span || details);
    attrs.push_static(attr::GEN_AI_OPERATION_NAME, operation.name());
    describe(&mut attrs);
    // Attributes propagated from the parent may be metric attributes: then the call
    // site's fixed ones are not all of them.
    if let Some(scoped) = parent.get::<ScopedAttributes>() {
        scoped.apply_to(&mut attrs);
        site = None;
    }
    let enclosing = parent.get::<CurrentRun>().map(|current| current.0.clone());
    let (run, own_run) = match operation {
        Operation::InvokeAgent => {
            (Some(RunNode::new(true, attrs.get(attr::GEN_AI_AGENT_NAME).cloned(), site, enclosing)), true)
        }
        Operation::InvokeWorkflow => (Some(RunNode::new(false, None, None, enclosing)), true),
        _ => (enclosing, false),
    };
    let wants_call = instruments.is_some() || details || (tracer.is_some() && call::is_model_call(operation));
    let mut call = wants_call.then(|| Call::new(operation, instruments, &attrs, site));
    if let Some(call) = call.as_mut().filter(|_| details) {
        call.keep_details(&attrs);
    }
    if attrs.capture_content() && !content_on_span {
        attrs.remove_content();
    }
    let client = kind == SpanKind::Client;
    let builder = tracer.as_ref().map(move |_| {
        let name = match name {
            Some(name) => Cow::Borrowed(name),
            None => span_name(operation, &attrs),
        };
        SpanStart { name, kind, attributes: attrs.into_vec() }
    });
    Some(Prepared { tracer, parts: Parts { parent, builder, run, own_run, call, client, operation, content_on_span } })
}

/// Ends the span of a poll that panicked: dropped only while unwinding, forgotten otherwise.
struct EndOnPanic<'a>(&'a mut SpanGuard);

impl Drop for EndOnPanic<'_> {
    fn drop(&mut self) {
        self.0.end_failed("panic", || "panicked while polled".to_owned());
    }
}

/// The body of an instrumented `async fn`, polled with its span's context attached.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct InSpan<'a, F> {
    guard: &'a mut SpanGuard,
    body: Pin<&'a mut F>,
}

impl<F: Future> Future for InSpan<'_, F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        this.guard.poll_in(this.body.as_mut(), task)
    }
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        if self.errored {
            // A stream that yielded an error and was then dropped (`chunk?`): the error
            // stands.
            self.finish();
        } else {
            self.end_failed("cancelled", || "cancelled: the future was dropped before it completed".to_owned());
        }
    }
}

fn record_failure(
    span: &opentelemetry::trace::SpanRef<'_>,
    error_type: Cow<'static, str>,
    exception_type: Cow<'static, str>,
    message: String,
) {
    span.set_attribute(KeyValue::new(attr::ERROR_TYPE, error_type));
    span.add_event(
        "exception",
        vec![KeyValue::new("exception.type", exception_type), KeyValue::new("exception.message", message.clone())],
    );
    span.set_status(Status::error(message));
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// `{operation} {naming attribute}`, or the operation alone when that attribute is unset.
fn span_name(operation: Operation, attrs: &Attributes) -> Cow<'static, str> {
    match attrs.get(operation.naming_attribute()) {
        Some(Value::String(value)) if !value.as_str().is_empty() => {
            let (operation, value) = (operation.name(), value.as_str());
            let mut name = String::with_capacity(operation.len() + 1 + value.len());
            name.push_str(operation);
            name.push(' ');
            name.push_str(value);
            name.into()
        }
        Some(other @ (Value::I64(_) | Value::F64(_) | Value::Bool(_))) => {
            format!("{} {}", operation.name(), other).into()
        }
        _ => Cow::Borrowed(operation.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_names_follow_the_naming_attribute() {
        let mut attrs = Attributes::new(false);
        assert_eq!(span_name(Operation::Chat, &attrs), "chat");
        attrs.set(attr::GEN_AI_REQUEST_MODEL, "gpt-4o");
        assert_eq!(span_name(Operation::Chat, &attrs), "chat gpt-4o");
        assert_eq!(span_name(Operation::ExecuteTool, &attrs), "execute_tool");
        attrs.set(attr::GEN_AI_TOOL_NAME, "");
        assert_eq!(span_name(Operation::ExecuteTool, &attrs), "execute_tool");
    }

    #[test]
    fn panic_messages_are_read_from_both_payload_kinds() {
        assert_eq!(panic_message(&"boom"), "boom");
        assert_eq!(panic_message(&String::from("bang")), "bang");
        assert_eq!(panic_message(&42_u8), "panic with a non-string payload");
    }
}
