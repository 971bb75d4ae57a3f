//! What an OTLP export request holds, as the rows the store keeps: one per span, log record
//! (event) and metric data point, with the attributes as JSON objects.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use std::sync::Arc;

use serde_json::{Map, Value, json};

/// A span, as stored.
#[derive(Debug, Clone, Default)]
pub struct SpanRow {
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a root.
    pub parent_id: String,
    /// Whether the parent is in another process (the span is this process's root).
    pub remote_parent: bool,
    pub name: String,
    /// 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    pub kind: i32,
    pub start_ns: i64,
    pub end_ns: i64,
    /// OTLP's status code: [`SpanRow::STATUS_OK`], [`SpanRow::STATUS_ERROR`], else unset.
    pub status: i32,
    pub status_message: String,
    pub service: String,
    pub scope: String,
    pub attributes: Map<String, Value>,
    /// `[{"name", "time_ns", "attributes"}]`.
    pub events: Vec<Value>,
    /// `[{"trace_id", "span_id", "attributes"}]`.
    pub links: Vec<Value>,
    /// The resource's attributes as a JSON object, written once for all its spans (the
    /// store keeps it; spans read back leave it empty).
    pub resource: Arc<str>,
}

impl SpanRow {
    /// The status of a span that succeeded, as OTLP codes it.
    pub const STATUS_OK: i32 = StatusCode::Ok as i32;
    /// The status of a span that failed, as OTLP codes it.
    pub const STATUS_ERROR: i32 = StatusCode::Error as i32;

    /// Whether the span failed.
    pub fn failed(&self) -> bool {
        self.status == SpanRow::STATUS_ERROR
    }

    /// The text attribute `key`.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).and_then(Value::as_str)
    }

    /// The integer attribute `key`.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.attributes.get(key).and_then(Value::as_i64)
    }

    /// The number attribute `key`.
    pub fn float(&self, key: &str) -> Option<f64> {
        self.attributes.get(key).and_then(Value::as_f64)
    }
}

/// A log record: for GenAI code, an event of the conventions.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub time_ns: i64,
    pub trace_id: String,
    pub span_id: String,
    pub severity: i32,
    pub severity_text: String,
    pub event_name: String,
    pub body: Value,
    pub attributes: Map<String, Value>,
    pub service: String,
    pub scope: String,
}

/// One data point of a metric.
#[derive(Debug, Clone)]
pub struct PointRow {
    pub time_ns: i64,
    pub start_ns: i64,
    pub service: String,
    pub scope: String,
    pub name: String,
    pub unit: String,
    /// `gauge`, `sum`, `histogram`, `exponential_histogram` or `summary`.
    pub kind: &'static str,
    pub attributes: Map<String, Value>,
    /// A number, or for histograms `{"count", "sum", "min", "max", "bounds", "counts"}`.
    pub value: Value,
}

/// The rows of one request, and what was refused (with why).
#[derive(Debug, Default)]
pub struct Rows {
    pub spans: Vec<SpanRow>,
    pub logs: Vec<LogRow>,
    pub points: Vec<PointRow>,
    pub rejected: u64,
    pub rejected_why: Option<String>,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.spans.len() + self.logs.len() + self.points.len()
    }

    fn reject(&mut self, why: String) {
        self.rejected += 1;
        self.rejected_why.get_or_insert(why);
    }
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

fn nanos(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An attribute value as JSON: strings, booleans, integers and doubles as themselves (a
/// double keeps its fraction, so it reads back as a double), arrays as arrays, maps as
/// objects, bytes as hex.
pub fn any_value(value: &AnyValue) -> Value {
    match &value.value {
        None => Value::Null,
        Some(any_value::Value::StringValue(s)) => Value::String(s.clone()),
        Some(any_value::Value::BoolValue(b)) => Value::Bool(*b),
        Some(any_value::Value::IntValue(i)) => json!(i),
        Some(any_value::Value::DoubleValue(d)) => serde_json::Number::from_f64(*d).map_or(Value::Null, Value::Number),
        Some(any_value::Value::ArrayValue(array)) => Value::Array(array.values.iter().map(any_value).collect()),
        Some(any_value::Value::KvlistValue(list)) => Value::Object(attributes(&list.values)),
        Some(any_value::Value::BytesValue(bytes)) => Value::String(hex(bytes)),
        #[allow(unreachable_patterns)]
        Some(_) => Value::Null,
    }
}

pub fn attributes(list: &[KeyValue]) -> Map<String, Value> {
    list.iter().map(|kv| (kv.key.clone(), kv.value.as_ref().map_or(Value::Null, any_value))).collect()
}

/// The resource's `service.name`.
fn service_of(resource: Option<&Resource>) -> String {
    let name = resource.and_then(|r| r.attributes.iter().find(|kv| kv.key == "service.name"));
    match name.and_then(|kv| kv.value.as_ref()).and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(name)) => name.clone(),
        _ => "unknown_service".to_owned(),
    }
}

fn valid_id(bytes: &[u8], len: usize) -> bool {
    bytes.len() == len && bytes.iter().any(|b| *b != 0)
}

pub fn spans(request: &ExportTraceServiceRequest) -> Rows {
    let mut rows = Rows::default();
    for resource_spans in &request.resource_spans {
        let service = service_of(resource_spans.resource.as_ref());
        let resource: Arc<str> =
            Value::Object(resource_spans.resource.as_ref().map(|r| attributes(&r.attributes)).unwrap_or_default())
                .to_string()
                .into();
        for scope_spans in &resource_spans.scope_spans {
            let scope = scope_spans.scope.as_ref().map(|s| s.name.clone()).unwrap_or_default();
            for span in &scope_spans.spans {
                if !valid_id(&span.trace_id, 16) || !valid_id(&span.span_id, 8) {
                    rows.reject(format!(
                        "span {:?}: trace id must be 16 bytes and span id 8, not all zero (got {} and {})",
                        span.name,
                        span.trace_id.len(),
                        span.span_id.len()
                    ));
                    continue;
                }
                let parent_id =
                    if valid_id(&span.parent_span_id, 8) { hex(&span.parent_span_id) } else { String::new() };
                let status = span.status.as_ref();
                rows.spans.push(SpanRow {
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_id,
                    // SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE and SPAN_FLAGS_CONTEXT_IS_REMOTE.
                    remote_parent: span.flags & 0x300 == 0x300,
                    name: span.name.clone(),
                    kind: span.kind,
                    start_ns: nanos(span.start_time_unix_nano),
                    end_ns: nanos(span.end_time_unix_nano.max(span.start_time_unix_nano)),
                    status: status.map_or(0, |s| s.code),
                    status_message: status.map(|s| s.message.clone()).unwrap_or_default(),
                    service: service.clone(),
                    scope: scope.clone(),
                    attributes: attributes(&span.attributes),
                    events: span
                        .events
                        .iter()
                        .map(|e| {
                            json!({
                                "name": e.name,
                                "time_ns": nanos(e.time_unix_nano),
                                "attributes": attributes(&e.attributes),
                            })
                        })
                        .collect(),
                    links: span
                        .links
                        .iter()
                        .map(|l| {
                            json!({
                                "trace_id": hex(&l.trace_id),
                                "span_id": hex(&l.span_id),
                                "attributes": attributes(&l.attributes),
                            })
                        })
                        .collect(),
                    resource: resource.clone(),
                });
            }
        }
    }
    rows
}

pub fn logs(request: &ExportLogsServiceRequest) -> Rows {
    let mut rows = Rows::default();
    for resource_logs in &request.resource_logs {
        let service = service_of(resource_logs.resource.as_ref());
        for scope_logs in &resource_logs.scope_logs {
            let scope = scope_logs.scope.as_ref().map(|s| s.name.clone()).unwrap_or_default();
            for record in &scope_logs.log_records {
                let time =
                    if record.time_unix_nano != 0 { record.time_unix_nano } else { record.observed_time_unix_nano };
                rows.logs.push(LogRow {
                    time_ns: nanos(time),
                    trace_id: if valid_id(&record.trace_id, 16) { hex(&record.trace_id) } else { String::new() },
                    span_id: if valid_id(&record.span_id, 8) { hex(&record.span_id) } else { String::new() },
                    severity: record.severity_number,
                    severity_text: record.severity_text.clone(),
                    event_name: record.event_name.clone(),
                    body: record.body.as_ref().map_or(Value::Null, any_value),
                    attributes: attributes(&record.attributes),
                    service: service.clone(),
                    scope: scope.clone(),
                });
            }
        }
    }
    rows
}

pub fn points(request: &ExportMetricsServiceRequest) -> Rows {
    let mut rows = Rows::default();
    for resource_metrics in &request.resource_metrics {
        let service = service_of(resource_metrics.resource.as_ref());
        for scope_metrics in &resource_metrics.scope_metrics {
            let scope = scope_metrics.scope.as_ref().map(|s| s.name.clone()).unwrap_or_default();
            for metric in &scope_metrics.metrics {
                let mut push = |kind, time: u64, start: u64, attrs: &[KeyValue], value: Value| {
                    rows.points.push(PointRow {
                        time_ns: nanos(time),
                        start_ns: nanos(start),
                        service: service.clone(),
                        scope: scope.clone(),
                        name: metric.name.clone(),
                        unit: metric.unit.clone(),
                        kind,
                        attributes: attributes(attrs),
                        value,
                    })
                };
                let number = |value: &Option<number_data_point::Value>| match value {
                    Some(number_data_point::Value::AsDouble(d)) => json!(d),
                    Some(number_data_point::Value::AsInt(i)) => json!(i),
                    None => Value::Null,
                };
                match &metric.data {
                    Some(metric::Data::Gauge(gauge)) => {
                        for p in &gauge.data_points {
                            push("gauge", p.time_unix_nano, p.start_time_unix_nano, &p.attributes, number(&p.value));
                        }
                    }
                    Some(metric::Data::Sum(sum)) => {
                        for p in &sum.data_points {
                            push("sum", p.time_unix_nano, p.start_time_unix_nano, &p.attributes, number(&p.value));
                        }
                    }
                    Some(metric::Data::Histogram(histogram)) => {
                        for p in &histogram.data_points {
                            let value = json!({
                                "count": p.count, "sum": p.sum, "min": p.min, "max": p.max,
                                "bounds": p.explicit_bounds, "counts": p.bucket_counts,
                            });
                            push("histogram", p.time_unix_nano, p.start_time_unix_nano, &p.attributes, value);
                        }
                    }
                    Some(metric::Data::ExponentialHistogram(histogram)) => {
                        for p in &histogram.data_points {
                            let value =
                                json!({"count": p.count, "sum": p.sum, "min": p.min, "max": p.max, "scale": p.scale});
                            push(
                                "exponential_histogram",
                                p.time_unix_nano,
                                p.start_time_unix_nano,
                                &p.attributes,
                                value,
                            );
                        }
                    }
                    Some(metric::Data::Summary(summary)) => {
                        for p in &summary.data_points {
                            let value = json!({"count": p.count, "sum": p.sum});
                            push("summary", p.time_unix_nano, p.start_time_unix_nano, &p.attributes, value);
                        }
                    }
                    None => {}
                }
            }
        }
    }
    rows
}
