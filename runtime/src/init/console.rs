//! The console exporters: traces as trees, metrics and events as lines.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, PoisonError};

use std::time::Duration;

use opentelemetry::logs::AnyValue;
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use crate::SpanTree;

/// Writes `text` on standard output, at once.
fn print(text: &dyn std::fmt::Display) {
    let mut stdout = std::io::stdout().lock();
    let _ = write!(stdout, "{text}").and_then(|()| stdout.flush());
}

/// Prints each trace as a tree once its root span has ended: on standard output, or on a
/// writer of your choice.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_genai::ConsoleTreeProcessor;
///
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(ConsoleTreeProcessor::to_writer(std::io::stderr()))
///     .build();
/// otel_genai::set_tracer_provider(provider.clone());
/// # let _ = provider.shutdown();
/// ```
#[derive(Default)]
pub struct ConsoleTreeProcessor {
    pending: Mutex<HashMap<TraceId, Vec<SpanData>>>,
    /// Where trees go; `None` is standard output.
    out: Mutex<Option<Box<dyn Write + Send>>>,
}

impl std::fmt::Debug for ConsoleTreeProcessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleTreeProcessor").finish_non_exhaustive()
    }
}

impl ConsoleTreeProcessor {
    /// A processor printing to standard output.
    pub fn new() -> Self {
        ConsoleTreeProcessor::default()
    }

    /// A processor writing each finished trace to `out`.
    pub fn to_writer(out: impl Write + Send + 'static) -> Self {
        ConsoleTreeProcessor { pending: Mutex::default(), out: Mutex::new(Some(Box::new(out))) }
    }

    fn print(&self, spans: Vec<SpanData>) {
        let tree = SpanTree::new(spans);
        match self.out.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
            Some(out) => {
                let _ = write!(out, "{tree}").and_then(|()| out.flush());
            }
            None => print(&tree),
        }
    }

    fn print_all_pending(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        for spans in pending.into_values() {
            self.print(spans);
        }
    }
}

impl SpanProcessor for ConsoleTreeProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        let trace_id = span.span_context.trace_id();
        let is_root = span.parent_span_id == SpanId::INVALID || span.parent_span_is_remote;
        let finished_trace = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.entry(trace_id).or_default().push(span);
            if is_root { pending.remove(&trace_id) } else { None }
        };
        if let Some(spans) = finished_trace {
            self.print(spans);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.print_all_pending();
        Ok(())
    }
}

/// Prints each metric export as lines: `name{attributes} = value unit`, histograms as count,
/// sum and bounds.
#[derive(Debug, Default)]
pub(crate) struct ConsoleMetrics;

impl PushMetricExporter for ConsoleMetrics {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let mut text = String::new();
        for scope in metrics.scope_metrics() {
            for metric in scope.metrics() {
                match metric.data() {
                    AggregatedMetrics::F64(data) => metric_lines(&mut text, metric.name(), metric.unit(), data),
                    AggregatedMetrics::U64(data) => metric_lines(&mut text, metric.name(), metric.unit(), data),
                    AggregatedMetrics::I64(data) => metric_lines(&mut text, metric.name(), metric.unit(), data),
                }
            }
        }
        if !text.is_empty() {
            print(&format_args!("metrics:\n{text}"));
        }
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

fn attributes_text<'a>(attributes: impl Iterator<Item = &'a KeyValue>) -> String {
    let pairs: Vec<String> = attributes.map(|kv| format!("{}={}", kv.key, kv.value)).collect();
    if pairs.is_empty() { String::new() } else { format!("{{{}}}", pairs.join(", ")) }
}

fn metric_lines<T: std::fmt::Display + Copy>(text: &mut String, name: &str, unit: &str, data: &MetricData<T>) {
    use std::fmt::Write as _;
    // Each point: its attributes, what it measured and, for an explicit-bucket histogram,
    // how many values fell in each bucket.
    let points: Vec<(String, String, Option<String>)> = match data {
        MetricData::Sum(sum) => {
            sum.data_points().map(|p| (attributes_text(p.attributes()), format!("= {}", p.value()), None)).collect()
        }
        MetricData::Gauge(gauge) => {
            gauge.data_points().map(|p| (attributes_text(p.attributes()), format!("= {}", p.value()), None)).collect()
        }
        MetricData::Histogram(histogram) => histogram
            .data_points()
            .map(|p| {
                let buckets = buckets_text(p.bounds(), p.bucket_counts());
                (attributes_text(p.attributes()), format!("count={} sum={}", p.count(), p.sum()), Some(buckets))
            })
            .collect(),
        MetricData::ExponentialHistogram(histogram) => histogram
            .data_points()
            .map(|p| (attributes_text(p.attributes()), format!("count={} sum={}", p.count(), p.sum()), None))
            .collect(),
    };
    for (attributes, measured, buckets) in points {
        let _ = writeln!(text, "  {name}{attributes} {measured} {unit}");
        if let Some(buckets) = buckets {
            let _ = writeln!(text, "    buckets {buckets}");
        }
    }
}

/// Each bucket's upper bound and count: `≤0.01:0 ≤0.02:3 … >81.92:0`.
fn buckets_text(bounds: impl Iterator<Item = f64>, counts: impl Iterator<Item = u64>) -> String {
    let bounds: Vec<f64> = bounds.collect();
    let counts: Vec<u64> = counts.collect();
    let mut parts: Vec<String> = bounds.iter().zip(&counts).map(|(bound, count)| format!("≤{bound}:{count}")).collect();
    // One count more than bounds: the values above the last.
    if let (Some(last), Some(above)) = (bounds.last(), counts.get(bounds.len())) {
        parts.push(format!(">{last}:{above}"));
    }
    parts.join(" ")
}

/// A log record's value as the tree prints attribute values.
fn any_value_text(value: &AnyValue) -> String {
    match value {
        AnyValue::String(text) => text.to_string(),
        AnyValue::Int(number) => number.to_string(),
        AnyValue::Double(number) => number.to_string(),
        AnyValue::Boolean(flag) => flag.to_string(),
        other => format!("{other:?}"),
    }
}

/// Prints each event (log record) as one line: its name, severity, and attributes.
#[derive(Debug, Default)]
pub(crate) struct ConsoleEvents;

impl LogExporter for ConsoleEvents {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        use std::fmt::Write as _;
        let mut text = String::new();
        for (record, _scope) in batch.iter() {
            let _ = write!(text, "• {}", record.event_name().unwrap_or("log"));
            if let Some(severity) = record.severity_text() {
                let _ = write!(text, "  {severity}");
            }
            if let Some(span) = record.trace_context() {
                let _ = write!(text, "  span={}", span.span_id);
            }
            for (key, value) in record.attributes_iter() {
                let _ = write!(text, "  {key}={}", any_value_text(value));
            }
            text.push('\n');
        }
        print(&text);
        Ok(())
    }
}
