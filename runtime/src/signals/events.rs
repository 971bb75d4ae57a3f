//! The one emitter of events: each is a log record with an event name, through the logger
//! provider set with [`set_logger_provider`] (or a test capture's), and — when
//! [`set_events_on_spans`] is on — also an event on the span, for backends that read only
//! traces.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::SystemTime;

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{SpanContext, SpanRef, TraceContextExt as _};
use opentelemetry::{Array, Context, Key, KeyValue, Value};
use opentelemetry_sdk::logs::{SdkLogger, SdkLoggerProvider};

use crate::span::tracer::{ScopedSignals, scope};

static LOGGER: RwLock<Option<SdkLogger>> = RwLock::new(None);
/// Whether [`LOGGER`] was ever set: read on every client span, without the lock.
static LOGGER_SET: AtomicBool = AtomicBool::new(false);
static ON_SPANS: AtomicBool = AtomicBool::new(false);

/// Sends the GenAI events (`gen_ai.client.operation.exception`,
/// `gen_ai.evaluation.result`, ...) as log records through `provider`. Without one, events
/// are only span events, and only with [`set_events_on_spans`].
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
///
/// let provider = SdkLoggerProvider::builder().build();
/// otel_genai::set_logger_provider(&provider);
/// # let _ = provider.shutdown();
/// ```
pub fn set_logger_provider(provider: &SdkLoggerProvider) {
    *LOGGER.write().unwrap_or_else(PoisonError::into_inner) = Some(provider.logger_with_scope(scope()));
    LOGGER_SET.store(true, Ordering::Release);
}

/// Whether a logger provider was set: then client calls record events with no tracer or
/// meter either.
#[inline]
pub(crate) fn logger_set() -> bool {
    LOGGER_SET.load(Ordering::Acquire)
}

/// Also records each event as an event on its span (the span it is about, while it is
/// open), for backends that read only traces. Off by default.
pub fn set_events_on_spans(on: bool) {
    ON_SPANS.store(on, Ordering::Relaxed);
}

/// One event: a name from the conventions, a severity, attributes, and the span it is
/// about.
pub(crate) struct Event<'a> {
    pub(crate) name: &'static str,
    pub(crate) severity: Severity,
    pub(crate) attributes: Vec<KeyValue>,
    /// The span it is about: its context goes on the log record.
    pub(crate) about: Option<SpanContext>,
    /// The span to record it on as well, when events go on spans.
    pub(crate) span: Option<&'a SpanRef<'a>>,
}

/// Whether events go anywhere from `cx`: a logger, or spans.
pub(crate) fn wanted(cx: &Context) -> bool {
    ON_SPANS.load(Ordering::Relaxed) || logged(cx)
}

/// Whether events from `cx` become log records: a logger is set (the capture's in `cx`, or
/// the global one). Events carrying content go only there, never on spans.
pub(crate) fn logged(cx: &Context) -> bool {
    cx.get::<ScopedSignals>().is_some_and(|scoped| scoped.logger.is_some()) || logger_set()
}

/// Emits `event` as a log record (through the capture's logger in `cx`, else the global
/// one) and, when switched on, as a span event.
pub(crate) fn emit(cx: &Context, event: Event<'_>) {
    if let Some(span) = event.span.filter(|_| ON_SPANS.load(Ordering::Relaxed)) {
        span.add_event(event.name, event.attributes.clone());
    }
    let scoped = cx.get::<ScopedSignals>().and_then(|scoped| scoped.logger.as_ref());
    match scoped {
        Some(logger) => log(logger, &event),
        None => {
            if let Some(logger) = LOGGER.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
                log(logger, &event);
            }
        }
    }
}

fn log(logger: &SdkLogger, event: &Event<'_>) {
    let mut record = logger.create_log_record();
    record.set_event_name(event.name);
    record.set_severity_number(event.severity);
    record.set_severity_text(event.severity.name());
    let now = SystemTime::now();
    record.set_timestamp(now);
    record.set_observed_timestamp(now);
    if let Some(about) = event.about.as_ref().filter(|about| about.is_valid()) {
        record.set_trace_context(about.trace_id(), about.span_id(), Some(about.trace_flags()));
    }
    record.add_attributes(event.attributes.iter().map(|kv| (kv.key.clone(), any_value(&kv.value))));
    logger.emit(record);
}

/// An attribute value as a log record's.
fn any_value(value: &Value) -> AnyValue {
    match value {
        Value::Bool(flag) => AnyValue::Boolean(*flag),
        Value::I64(number) => AnyValue::Int(*number),
        Value::F64(number) => AnyValue::Double(*number),
        Value::String(text) => AnyValue::String(text.clone()),
        Value::Array(Array::Bool(items)) => list(items.iter().map(|item| AnyValue::Boolean(*item))),
        Value::Array(Array::I64(items)) => list(items.iter().map(|item| AnyValue::Int(*item))),
        Value::Array(Array::F64(items)) => list(items.iter().map(|item| AnyValue::Double(*item))),
        Value::Array(Array::String(items)) => list(items.iter().map(|item| AnyValue::String(item.clone()))),
        other => AnyValue::String(other.to_string().into()),
    }
}

fn list(items: impl Iterator<Item = AnyValue>) -> AnyValue {
    AnyValue::ListAny(Box::new(items.collect()))
}

/// `exception.type` and `exception.message`, and `error.type`, of a failure.
pub(crate) fn exception_attributes(error_type: &str, exception_type: &str, message: &str) -> Vec<KeyValue> {
    vec![
        KeyValue::new(Key::from_static_str("exception.type"), exception_type.to_owned()),
        KeyValue::new(Key::from_static_str("exception.message"), message.to_owned()),
        KeyValue::new(Key::from_static_str(crate::attr::ERROR_TYPE), error_type.to_owned()),
    ]
}

/// The span context of `cx`'s span.
pub(crate) fn span_context(cx: &Context) -> SpanContext {
    cx.span().span_context().clone()
}
