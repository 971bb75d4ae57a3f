//! Test your own agents: capture the spans the macros produce, in memory, and assert on
//! the tree they form.
//!
//! A [`Capture`] owns a real OpenTelemetry SDK tracer provider whose spans go to an
//! in-memory exporter as each one ends. Spans are routed to it through the context, not
//! through the global provider, so tests running in parallel in one process each see
//! only their own spans.
//!
//! ```
//! use otel_genai::testing::Capture;
//! use otel_genai::tool;
//!
//! /// Adds two numbers.
//! #[tool]
//! fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! let capture = Capture::new();
//! assert_eq!(capture.in_scope(|| add(2, 3)), 5);
//!
//! let tree = capture.tree();
//! let span = tree.root();
//! assert_eq!(span.name(), "execute_tool add");
//! assert_eq!(span.str_attr("gen_ai.tool.description"), Some("Adds two numbers."));
//! ```
//!
//! Async code runs under the capture with [`Capture::scope`]:
//!
//! ```
//! # use otel_genai::testing::Capture;
//! #[otel_genai::agent(name = "greeter")]
//! async fn greet(who: &str) -> String {
//!     format!("hello {who}")
//! }
//!
//! # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # runtime.block_on(async {
//! let capture = Capture::new();
//! capture.scope(greet("ada")).await;
//! assert_eq!(capture.tree().outline(), "invoke_agent greeter\n");
//! # });
//! ```

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::global::BoxedTracer;
use opentelemetry::logs::{AnyValue, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanId, TraceId, TracerProvider as _};
use opentelemetry::{Key, KeyValue, Value};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLoggerProvider};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, HistogramDataPoint, Metric, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

use crate::SpanTree;
use crate::signals::metrics::Instruments;
use crate::span::tracer::{ScopedSignals, scope};

/// Spans and metrics captured in memory from a real SDK tracer provider and meter
/// provider.
#[derive(Debug)]
pub struct Capture {
    provider: SdkTracerProvider,
    finished: Arc<Mutex<Vec<SpanData>>>,
    meters: SdkMeterProvider,
    measured: Arc<Mutex<Vec<Histogram>>>,
    logs: SdkLoggerProvider,
    logged: Arc<Mutex<Vec<LogEvent>>>,
    cx: Context,
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

impl Capture {
    /// A capture that receives the spans started under its [`context`](Capture::context),
    /// and only those.
    pub fn new() -> Capture {
        let (provider, finished) = in_memory_provider();
        let (meters, measured) = in_memory_meters();
        let (logs, logged) = in_memory_logs();
        let tracer = BoxedTracer::new(Box::new(provider.tracer_with_scope(scope())));
        let instruments = Instruments::new(&meters.meter_with_scope(scope()));
        let cx = Context::new().with_value(ScopedSignals {
            tracer: Arc::new(tracer),
            instruments: Some(Arc::new(instruments)),
            logger: Some(logs.logger_with_scope(scope())),
        });
        Capture { provider, finished, meters, measured, logs, logged, cx }
    }

    /// A capture installed as the global tracer provider: it receives every span started
    /// anywhere in the process, from any context. Tests using it must not run in
    /// parallel with other tests that install a global provider.
    pub fn install_global() -> Capture {
        let (provider, finished) = in_memory_provider();
        let (meters, measured) = in_memory_meters();
        let (logs, logged) = in_memory_logs();
        crate::set_tracer_provider(provider.clone());
        crate::set_meter_provider(meters.clone());
        crate::set_logger_provider(&logs);
        Capture { provider, finished, meters, measured, logs, logged, cx: Context::new() }
    }

    /// The context under which spans go to this capture. Contexts derived from it (the
    /// spans' own) carry that along, so all descendants are captured too.
    pub fn context(&self) -> Context {
        self.cx.clone()
    }

    /// Runs `f` under this capture's context.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _attached = self.cx.clone().attach();
        f()
    }

    /// `future`, running under this capture's context on every poll.
    pub fn scope<F: Future>(&self, future: F) -> WithContext<F> {
        future.with_context(self.cx.clone())
    }

    /// The spans that have ended so far, in the order they ended.
    pub fn spans(&self) -> Vec<SpanData> {
        let _ = self.provider.force_flush();
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The spans that have ended so far, as a tree.
    pub fn tree(&self) -> SpanTree {
        SpanTree::new(self.spans())
    }

    /// Forgets the spans captured so far.
    pub fn clear(&self) {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The histograms recorded so far, one per metric and attribute set, with their
    /// bucket boundaries: what a metric exporter would send now.
    pub fn histograms(&self) -> Vec<Histogram> {
        let _ = self.meters.force_flush();
        self.measured.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The events emitted so far as log records (`gen_ai.client.operation.exception`,
    /// `gen_ai.evaluation.result`, ...), in the order they were emitted.
    pub fn events(&self) -> Vec<LogEvent> {
        let _ = self.logs.force_flush();
        self.logged.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The histograms of the metric `name`.
    pub fn histogram(&self, name: &str) -> Vec<Histogram> {
        self.histograms().into_iter().filter(|histogram| histogram.name == name).collect()
    }
}

/// One histogram data point: a metric's values for one set of attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// The metric's name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The attributes of this data point, sorted by key.
    pub attributes: Vec<KeyValue>,
    /// How many values were recorded.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
    /// The explicit bucket boundaries.
    pub bounds: Vec<f64>,
    /// How many values fell in each bucket (one more than there are boundaries).
    pub bucket_counts: Vec<u64>,
}

impl Histogram {
    /// The value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&Value> {
        self.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value)
    }

    /// The attribute `key` as a string.
    pub fn str_attr(&self, key: &str) -> Option<&str> {
        match self.attr(key) {
            Some(Value::String(text)) => Some(text.as_str()),
            _ => None,
        }
    }

    /// The attribute keys, sorted.
    pub fn keys(&self) -> Vec<&str> {
        self.attributes.iter().map(|kv| kv.key.as_str()).collect()
    }
}

/// An event as a log record.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    /// The event name, such as `gen_ai.evaluation.result`.
    pub name: Option<&'static str>,
    /// Its severity.
    pub severity: Option<Severity>,
    /// The trace and span it is about.
    pub trace: Option<(TraceId, SpanId)>,
    /// Its attributes, in the order they were added.
    pub attributes: Vec<(Key, AnyValue)>,
}

impl LogEvent {
    /// The value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&AnyValue> {
        self.attributes.iter().find(|(name, _)| name.as_str() == key).map(|(_, value)| value)
    }

    /// The attribute `key` as a string.
    pub fn str_attr(&self, key: &str) -> Option<&str> {
        match self.attr(key) {
            Some(AnyValue::String(text)) => Some(text.as_str()),
            _ => None,
        }
    }
}

fn in_memory_logs() -> (SdkLoggerProvider, Arc<Mutex<Vec<LogEvent>>>) {
    let logged = Arc::new(Mutex::new(Vec::new()));
    let exporter = MemoryLogExporter { logged: logged.clone() };
    (SdkLoggerProvider::builder().with_simple_exporter(exporter).build(), logged)
}

#[derive(Debug)]
struct MemoryLogExporter {
    logged: Arc<Mutex<Vec<LogEvent>>>,
}

impl LogExporter for MemoryLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let events = batch.iter().map(|(record, _)| LogEvent {
            name: record.event_name(),
            severity: record.severity_number(),
            trace: record.trace_context().map(|trace| (trace.trace_id, trace.span_id)),
            attributes: record.attributes_iter().cloned().collect(),
        });
        self.logged.lock().unwrap_or_else(PoisonError::into_inner).extend(events);
        Ok(())
    }
}

fn in_memory_meters() -> (SdkMeterProvider, Arc<Mutex<Vec<Histogram>>>) {
    let measured = Arc::new(Mutex::new(Vec::new()));
    let exporter = MemoryMetricExporter { measured: measured.clone() };
    // Exported when read (`force_flush`); the interval only bounds how stale a read can be.
    let reader = PeriodicReader::builder(exporter).with_interval(Duration::from_secs(3600)).build();
    (SdkMeterProvider::builder().with_reader(reader).build(), measured)
}

fn histogram<T>(metric: &Metric, point: &HistogramDataPoint<T>, sum: f64) -> Histogram {
    let mut attributes: Vec<KeyValue> = point.attributes().cloned().collect();
    attributes.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    Histogram {
        name: metric.name().to_owned(),
        unit: metric.unit().to_owned(),
        attributes,
        count: point.count(),
        sum,
        bounds: point.bounds().collect(),
        bucket_counts: point.bucket_counts().collect(),
    }
}

#[derive(Debug)]
struct MemoryMetricExporter {
    measured: Arc<Mutex<Vec<Histogram>>>,
}

impl PushMetricExporter for MemoryMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let mut histograms = Vec::new();
        for scope in metrics.scope_metrics() {
            for metric in scope.metrics() {
                match metric.data() {
                    AggregatedMetrics::F64(MetricData::Histogram(data)) => {
                        histograms.extend(data.data_points().map(|point| histogram(metric, point, point.sum())));
                    }
                    AggregatedMetrics::U64(MetricData::Histogram(data)) => {
                        histograms.extend(data.data_points().map(|point| histogram(metric, point, point.sum() as f64)));
                    }
                    _ => {}
                }
            }
        }
        // Cumulative: every export holds everything recorded so far.
        *self.measured.lock().unwrap_or_else(PoisonError::into_inner) = histograms;
        Ok(())
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}

fn in_memory_provider() -> (SdkTracerProvider, Arc<Mutex<Vec<SpanData>>>) {
    let finished = Arc::new(Mutex::new(Vec::new()));
    let exporter = MemoryExporter { finished: finished.clone() };
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter).build();
    (provider, finished)
}

#[derive(Debug)]
struct MemoryExporter {
    finished: Arc<Mutex<Vec<SpanData>>>,
}

impl SpanExporter for MemoryExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).extend(batch);
        Ok(())
    }
}
