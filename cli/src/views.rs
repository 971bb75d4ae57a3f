//! The terminal views: recent traces as a table, one trace as the tree the console prints,
//! and trees as they arrive.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState};
use opentelemetry::{InstrumentationScope, KeyValue, StringValue, Value as OtelValue};
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use otel_genai::SpanTree;
use serde_json::Value;

use crate::otlp::{LogRow, SpanRow};
use crate::store::{Reader, TraceFilter, TraceSummary};

/// Whether an attribute holds content (prompts, answers, tool arguments and results,
/// retrieved documents): those the conventions mark as content, and the names other
/// instrumentations use (`gen_ai.prompt.0.content`, `gen_ai.completion.0.content`,
/// OpenInference's `llm.input_messages.*`, `input.value`, `output.value`). Shown only when
/// asked for.
pub fn is_content(key: &str) -> bool {
    let numbered =
        |prefix: &str| key.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    otel_genai::conventions::attribute(key).is_some_and(|def| def.content)
        || numbered("gen_ai.prompt.")
        || numbered("gen_ai.completion.")
        || key.starts_with("llm.input_messages.")
        || key.starts_with("llm.output_messages.")
        || matches!(key, "input.value" | "output.value")
}

/// Whether an event (span event or log record) carries content: the conventions' details
/// event and the older per-message events (`gen_ai.user.message`, `gen_ai.choice`,
/// `gen_ai.content.prompt`, ...).
pub fn is_content_event(name: &str) -> bool {
    name == otel_genai::event::GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS
        || name.starts_with("gen_ai.content.")
        || name == "gen_ai.choice"
        || (name.starts_with("gen_ai.") && name.ends_with(".message"))
}

/// `2026-11-22 16:47:25` (UTC).
pub fn time(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// `850µs`, `61.7ms`, `2.31s`, `4m05s`.
pub fn duration(ns: i64) -> String {
    otel_genai::Elapsed(Duration::from_nanos(ns.max(0).unsigned_abs())).to_string()
}

/// The traces as a table, newest first.
pub fn table(traces: &[TraceSummary]) -> String {
    let header = ["TRACE", "STARTED (UTC)", "DURATION", "SERVICE", "ROOT", "SPANS", "TOKENS IN/OUT", "COST", "ERRORS"];
    let mut rows: Vec<[String; 9]> = vec![header.map(str::to_owned)];
    for t in traces {
        rows.push([
            t.trace_id.clone(),
            time(t.start_ns),
            duration(t.duration_ns),
            t.service.clone(),
            if t.complete { t.root.clone() } else { format!("{} (root not yet arrived)", t.root) },
            t.spans.to_string(),
            if t.input_tokens + t.output_tokens > 0 {
                format!("{}/{}", t.input_tokens, t.output_tokens)
            } else {
                "-".to_owned()
            },
            if t.cost > 0.0 { format!("${:.6}", t.cost) } else { "-".to_owned() },
            if t.errors > 0 { t.errors.to_string() } else { "-".to_owned() },
        ]);
    }
    let widths: Vec<usize> = (0..9).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn otel_value(value: &Value) -> OtelValue {
    match value {
        Value::String(s) => OtelValue::String(s.clone().into()),
        Value::Bool(b) => OtelValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => OtelValue::I64(i),
            None => OtelValue::F64(n.as_f64().unwrap_or_default()),
        },
        Value::Array(items) if items.iter().all(Value::is_string) => OtelValue::Array(
            items.iter().filter_map(Value::as_str).map(|s| StringValue::from(s.to_owned())).collect::<Vec<_>>().into(),
        ),
        other => OtelValue::String(other.to_string().into()),
    }
}

fn at(ns: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(u64::try_from(ns).unwrap_or(0))
}

/// A stored span as the SDK's, so that the runtime's tree prints it.
pub fn span_data(row: &SpanRow, content: bool) -> SpanData {
    let keep = |key: &String| content || !is_content(key);
    let attributes = |map: &serde_json::Map<String, Value>| -> Vec<KeyValue> {
        map.iter().filter(|(k, _)| keep(k)).map(|(k, v)| KeyValue::new(k.clone(), otel_value(v))).collect()
    };
    let mut events = SpanEvents::default();
    for event in &row.events {
        let name = event.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
        if !content && is_content_event(&name) {
            continue;
        }
        let time = event.get("time_ns").and_then(Value::as_i64).unwrap_or(row.start_ns);
        let attrs = event.get("attributes").and_then(Value::as_object).map(attributes).unwrap_or_default();
        events.events.push(opentelemetry::trace::Event::new(name, at(time), attrs, 0));
    }
    SpanData {
        span_context: SpanContext::new(
            // The store writes ids as the hex of valid ids (a root's parent: empty).
            TraceId::from_hex(&row.trace_id).unwrap_or(TraceId::INVALID),
            SpanId::from_hex(&row.span_id).unwrap_or(SpanId::INVALID),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        ),
        parent_span_id: SpanId::from_hex(&row.parent_id).unwrap_or(SpanId::INVALID),
        parent_span_is_remote: row.remote_parent,
        span_kind: match row.kind {
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Internal,
        },
        name: Cow::Owned(row.name.clone()),
        start_time: at(row.start_ns),
        end_time: at(row.end_ns),
        attributes: attributes(&row.attributes),
        dropped_attributes_count: 0,
        events,
        links: SpanLinks::default(),
        status: match row.status {
            SpanRow::STATUS_OK => Status::Ok,
            SpanRow::STATUS_ERROR => Status::error(row.status_message.clone()),
            _ => Status::Unset,
        },
        instrumentation_scope: InstrumentationScope::builder(row.scope.clone()).build(),
    }
}

/// One trace as the console prints it; with `attributes`, every attribute under its span;
/// with `content`, the captured prompts and answers too (and the events that carry them).
pub fn tree(spans: &[SpanRow], logs: &[LogRow], attributes: bool, content: bool) -> String {
    let tree = SpanTree::new(spans.iter().map(|row| span_data(row, content)).collect());
    let events: HashMap<&str, Vec<&LogRow>> = logs.iter().fold(HashMap::new(), |mut by_span, log| {
        by_span.entry(log.span_id.as_str()).or_default().push(log);
        by_span
    });
    let text = tree.display_with(|span| {
        let mut lines = Vec::new();
        if attributes {
            let mut pairs: Vec<&KeyValue> = span.data().attributes.iter().collect();
            pairs.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
            lines.extend(pairs.into_iter().map(|kv| format!("{} = {}", kv.key, kv.value)));
        }
        for log in events.get(span.span_id().to_string().as_str()).into_iter().flatten() {
            if is_content_event(&log.event_name) && !content {
                continue;
            }
            if attributes || content {
                let name = if log.event_name.is_empty() { "log" } else { &log.event_name };
                let mut shown: Vec<String> = log.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
                if !log.body.is_null() {
                    shown.push(format!("body={}", log.body));
                }
                lines.push(format!("event {name}  {}", shown.join("  ")));
            }
        }
        lines
    });
    text.to_string()
}

/// `otel-genai tail`: prints each trace once its root has arrived, and again (marked) when
/// more of it arrives later.
pub async fn tail(reader: &Reader, filter: TraceFilter, last: usize, attributes: bool) -> rusqlite::Result<()> {
    const PAGE: usize = 500;
    let mut printed: HashMap<String, i64> = HashMap::new();
    let mut backlog =
        if last > 0 { reader.traces(&TraceFilter { limit: last, ..filter.clone() })? } else { Vec::new() };
    backlog.reverse();
    for trace in backlog.iter().filter(|t| t.complete) {
        print_trace(reader, trace, false, attributes)?;
        printed.insert(trace.trace_id.clone(), trace.spans);
    }
    let mut cursor = (reader.last_written()?, String::new());
    eprintln!("otel-genai: waiting for traces (Ctrl-C to stop)");
    loop {
        let page =
            reader.traces(&TraceFilter { received_after: Some(cursor.clone()), limit: PAGE, ..filter.clone() })?;
        for trace in &page {
            cursor = (trace.received_ns, trace.trace_id.clone());
            if !trace.complete || printed.get(&trace.trace_id) == Some(&trace.spans) {
                continue;
            }
            let again = printed.contains_key(&trace.trace_id);
            print_trace(reader, trace, again, attributes)?;
            printed.insert(trace.trace_id.clone(), trace.spans);
        }
        if page.len() < PAGE {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}

fn print_trace(reader: &Reader, trace: &TraceSummary, again: bool, attributes: bool) -> rusqlite::Result<()> {
    let spans = reader.spans(&trace.trace_id)?;
    let logs = reader.logs(&trace.trace_id)?;
    println!(
        "── {} {}  {}{}",
        time(trace.start_ns),
        trace.service,
        trace.trace_id,
        if again { "  (more spans arrived)" } else { "" }
    );
    print!("{}", tree(&spans, &logs, attributes, false));
    println!();
    Ok(())
}
