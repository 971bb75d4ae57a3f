//! What the MCP tools answer, computed from the store: a trace as a bounded JSON tree,
//! failures grouped, usage by model, agent or tool, and two runs side by side.

use std::collections::{BTreeMap, HashMap};

use otel_genai::{Operation, attr, total};
use serde_json::{Map, Value, json};

use crate::otlp::{LogRow, SpanRow};
use crate::store::TraceSummary;
use crate::views::{duration, is_content, is_content_event, time};

/// Longest string value kept in an answer; longer ones are cut and marked.
const MAX_STRING: usize = 2_000;
/// Deepest level of the tree shown (deeper spans are counted in `truncated`).
const MAX_DEPTH: usize = 100;
/// Most events shown for one span.
const MAX_EVENTS: usize = 50;
/// Most attributes (and array items) shown for one span.
const MAX_ITEMS: usize = 100;

fn ms(ns: i64) -> f64 {
    (ns as f64 / 1e4).round() / 100.0
}

fn usd(cost: f64) -> f64 {
    (cost * 1e8).round() / 1e8
}

fn operation(span: &SpanRow) -> Option<&str> {
    span.text(attr::GEN_AI_OPERATION_NAME)
}

fn is_container(span: &SpanRow) -> bool {
    operation(span).is_some_and(|op| crate::store::CONTAINER_OPERATIONS.contains(&op))
}

/// A value cut to [`MAX_STRING`] characters, marked when cut.
fn bounded(value: &Value, cut: &mut u64) -> Value {
    match value {
        Value::String(s) if s.chars().count() > MAX_STRING => {
            *cut += 1;
            let kept: String = s.chars().take(MAX_STRING).collect();
            Value::String(format!("{kept}…[truncated: {} more characters]", s.chars().count() - MAX_STRING))
        }
        Value::Array(items) => {
            *cut += items.len().saturating_sub(MAX_ITEMS) as u64;
            Value::Array(items.iter().take(MAX_ITEMS).map(|v| bounded(v, cut)).collect())
        }
        Value::Object(map) => {
            *cut += map.len().saturating_sub(MAX_ITEMS) as u64;
            Value::Object(map.iter().take(MAX_ITEMS).map(|(k, v)| (k.clone(), bounded(v, cut))).collect())
        }
        other => other.clone(),
    }
}

/// Summary row for `list_traces`.
pub fn trace_summary(trace: &TraceSummary) -> Value {
    json!({
        "trace_id": trace.trace_id,
        "service": trace.service,
        "root": trace.root,
        "started": time(trace.start_ns),
        "duration_ms": ms(trace.duration_ns),
        "spans": trace.spans,
        "input_tokens": trace.input_tokens,
        "output_tokens": trace.output_tokens,
        "cost_usd": usd(trace.cost),
        "errors": trace.errors,
        "complete": trace.complete,
    })
}

/// How much of a trace `get_trace` gives.
#[derive(Debug, Clone, Copy)]
pub struct TraceLimits {
    pub content: bool,
    pub attributes: bool,
    pub max_spans: usize,
}

/// One trace as a tree of spans: each with its timing, status and error, model, tokens and
/// cost, its reasoning and other events, its remaining attributes, and (only when asked and
/// captured) its content. At most `max_spans` spans; what was left out is said in
/// `truncated`.
pub fn trace_tree(trace: &TraceSummary, spans: &[SpanRow], logs: &[LogRow], limits: TraceLimits) -> Value {
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let ids: std::collections::HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let mut roots = Vec::new();
    for (index, span) in spans.iter().enumerate() {
        if span.parent_id.is_empty() || !ids.contains(span.parent_id.as_str()) {
            roots.push(index);
        } else {
            children.entry(span.parent_id.as_str()).or_default().push(index);
        }
    }
    let mut logs_by_span: HashMap<&str, Vec<&LogRow>> = HashMap::new();
    for log in logs {
        logs_by_span.entry(log.span_id.as_str()).or_default().push(log);
    }
    let mut budget = limits.max_spans;
    let mut omitted = 0_usize;
    let mut cut = 0_u64;
    let mut content_present = false;
    let start = trace.start_ns;

    struct Walk<'a> {
        spans: &'a [SpanRow],
        children: &'a HashMap<&'a str, Vec<usize>>,
        logs: &'a HashMap<&'a str, Vec<&'a LogRow>>,
        limits: TraceLimits,
        start: i64,
    }
    fn node(
        walk: &Walk<'_>,
        index: usize,
        depth: usize,
        budget: &mut usize,
        omitted: &mut usize,
        cut: &mut u64,
        content_present: &mut bool,
    ) -> Value {
        let span = &walk.spans[index];
        *budget = budget.saturating_sub(1);
        let mut out = Map::new();
        out.insert("name".into(), json!(span.name));
        out.insert("span_id".into(), json!(span.span_id));
        if let Some(op) = operation(span) {
            out.insert("operation".into(), json!(op));
        }
        out.insert("start_offset_ms".into(), json!(ms(span.start_ns - walk.start)));
        out.insert("duration_ms".into(), json!(ms(span.end_ns - span.start_ns)));
        out.insert(
            "status".into(),
            json!(match span.status {
                SpanRow::STATUS_OK => "ok",
                SpanRow::STATUS_ERROR => "error",
                _ => "unset",
            }),
        );
        if span.failed() {
            out.insert(
                "error".into(),
                json!({"type": span.text(attr::ERROR_TYPE).unwrap_or("error"), "message": bounded(&json!(span.status_message), cut)}),
            );
        }
        for (field, key) in [
            ("provider", attr::GEN_AI_PROVIDER_NAME),
            ("request_model", attr::GEN_AI_REQUEST_MODEL),
            ("response_model", attr::GEN_AI_RESPONSE_MODEL),
            ("agent", attr::GEN_AI_AGENT_NAME),
            ("tool", attr::GEN_AI_TOOL_NAME),
        ] {
            if let Some(value) = span.text(key) {
                out.insert(field.into(), json!(value));
            }
        }
        if let (input, output) = (span.int(attr::GEN_AI_USAGE_INPUT_TOKENS), span.int(attr::GEN_AI_USAGE_OUTPUT_TOKENS))
            && (input.is_some() || output.is_some())
        {
            out.insert("tokens".into(), json!({"input": input, "output": output}));
        }
        if let Some(cost) = span.float(attr::GEN_AI_USAGE_COST) {
            out.insert("cost_usd".into(), json!(usd(cost)));
        }
        if is_container(span) {
            let total = |key: &str| span.int(key);
            out.insert(
                "totals".into(),
                json!({
                    "input_tokens": total(total::INPUT_TOKENS),
                    "output_tokens": total(total::OUTPUT_TOKENS),
                    "cost_usd": span.float(total::COST).map(usd),
                    "inference_calls": total(total::INFERENCE_CALLS),
                    "tool_calls": total(total::TOOL_CALLS),
                }),
            );
        }
        let mut events: Vec<Value> = Vec::new();
        for event in &span.events {
            let name = event.get("name").and_then(Value::as_str).unwrap_or("");
            if is_content_event(name) {
                *content_present = true;
                if !walk.limits.content {
                    continue;
                }
            }
            events.push(json!({
                "name": name,
                "offset_ms": event.get("time_ns").and_then(Value::as_i64).map(|t| ms(t - walk.start)),
                "attributes": bounded(event.get("attributes").unwrap_or(&Value::Null), cut),
            }));
        }
        for log in walk.logs.get(span.span_id.as_str()).into_iter().flatten() {
            if is_content_event(&log.event_name) {
                *content_present = true;
                if !walk.limits.content {
                    continue;
                }
            }
            events.push(json!({
                "name": log.event_name,
                "offset_ms": ms(log.time_ns - walk.start),
                "severity": log.severity_text,
                "attributes": bounded(&Value::Object(log.attributes.clone()), cut),
                "body": bounded(&log.body, cut),
            }));
        }
        if events.len() > MAX_EVENTS {
            *cut += (events.len() - MAX_EVENTS) as u64;
            events.truncate(MAX_EVENTS);
        }
        if !events.is_empty() {
            out.insert("events".into(), Value::Array(events));
        }
        *content_present |= span.attributes.keys().any(|key| is_content(key));
        // Copied only when asked for.
        let copy = |content: bool| -> Map<String, Value> {
            let chosen = span.attributes.iter().filter(|(key, _)| is_content(key) == content);
            chosen.map(|(key, value)| (key.clone(), value.clone())).collect()
        };
        if walk.limits.content {
            let content = copy(true);
            if !content.is_empty() {
                out.insert("content".into(), bounded(&Value::Object(content), cut));
            }
        }
        if walk.limits.attributes {
            out.insert("attributes".into(), bounded(&Value::Object(copy(false)), cut));
        }
        let mut shown = Vec::new();
        for &child in walk.children.get(span.span_id.as_str()).into_iter().flatten() {
            if *budget == 0 || depth + 1 >= MAX_DEPTH {
                *omitted += 1 + count_below(walk, child);
                continue;
            }
            shown.push(node(walk, child, depth + 1, budget, omitted, cut, content_present));
        }
        if !shown.is_empty() {
            out.insert("children".into(), Value::Array(shown));
        }
        Value::Object(out)
    }
    /// How many spans are below `index` (without recursing: traces can be deep).
    fn count_below(walk: &Walk<'_>, index: usize) -> usize {
        let mut count = 0;
        let mut stack = vec![index];
        while let Some(next) = stack.pop() {
            if let Some(kids) = walk.children.get(walk.spans[next].span_id.as_str()) {
                count += kids.len();
                stack.extend(kids);
            }
        }
        count
    }

    let walk = Walk { spans, children: &children, logs: &logs_by_span, limits, start };
    let mut tree = Vec::new();
    for root in roots {
        if budget == 0 {
            omitted += 1 + count_below(&walk, root);
            continue;
        }
        tree.push(node(&walk, root, 0, &mut budget, &mut omitted, &mut cut, &mut content_present));
    }
    // Spans in a parent cycle are reached from no root: counted, not lost without a word.
    let shown = limits.max_spans - budget;
    omitted = omitted.max(spans.len().saturating_sub(shown));
    let mut answer = trace_summary(trace);
    answer["tree"] = Value::Array(tree);
    let content_note = match (content_present, limits.content) {
        (false, _) => "no content was captured in this trace (the application did not turn capture on)",
        (true, false) => "content was captured; ask again with include_content = true to see it",
        (true, true) => "content included where it was captured",
    };
    answer["content"] = json!(content_note);
    if omitted > 0 || cut > 0 {
        answer["truncated"] = json!({
            "spans_omitted": omitted,
            "values_cut": cut,
            "note": format!(
                "at most {} spans, {MAX_DEPTH} levels, {MAX_EVENTS} events and {MAX_ITEMS} attributes or items a \
                 span, and {MAX_STRING} characters a value; raise max_spans to see more spans",
                limits.max_spans
            ),
        });
    }
    answer
}

/// Recent failures grouped by `error.type` and span name: how many, when last, a sample.
pub fn errors(spans: &[SpanRow], limit: usize) -> Value {
    #[derive(Default)]
    struct Group {
        count: u64,
        last_ns: i64,
        sample_trace: String,
        sample_message: String,
        services: std::collections::BTreeSet<String>,
    }
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for span in spans.iter().filter(|s| s.failed()) {
        let key = (span.text(attr::ERROR_TYPE).unwrap_or("error").to_owned(), span.name.clone());
        let group = groups.entry(key).or_default();
        group.count += 1;
        group.services.insert(span.service.clone());
        if span.end_ns >= group.last_ns {
            group.last_ns = span.end_ns;
            group.sample_trace.clone_from(&span.trace_id);
            group.sample_message.clone_from(&span.status_message);
        }
    }
    let total: u64 = groups.values().map(|g| g.count).sum();
    let mut rows: Vec<((String, String), Group)> = groups.into_iter().collect();
    rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(b.1.last_ns.cmp(&a.1.last_ns)));
    let shown: Vec<Value> = rows
        .iter()
        .take(limit)
        .map(|((error_type, span), g)| {
            json!({
                "error_type": error_type,
                "span": span,
                "count": g.count,
                "last_seen": time(g.last_ns),
                "sample_trace_id": g.sample_trace,
                "sample_message": bounded(&json!(g.sample_message), &mut 0),
                "services": g.services,
            })
        })
        .collect();
    json!({"failed_spans": total, "groups": rows.len(), "errors": shown})
}

fn percentile(sorted: &[i64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    ms(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What to group usage by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The model of each inference call (the response model, else the requested one).
    Model,
    /// Each agent's runs (their totals include what ran inside them).
    Agent,
    /// Each tool's calls.
    Tool,
    /// Each service's inference calls.
    Service,
}

/// Tokens, cost, calls, errors and latency percentiles by model, agent, tool or service.
pub fn usage(spans: &[SpanRow], by: GroupBy) -> Value {
    #[derive(Default)]
    struct Row {
        calls: u64,
        errors: u64,
        input: i64,
        output: i64,
        cost: f64,
        durations: Vec<i64>,
    }
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let (agent, tool) = (Operation::InvokeAgent.name(), Operation::ExecuteTool.name());
    for span in spans {
        let operation = operation(span);
        // Neither an agent's or workflow's run nor a tool: a model call, or another kind.
        let call = !is_container(span) && operation != Some(tool);
        let key = match by {
            GroupBy::Model if call => {
                span.text(attr::GEN_AI_RESPONSE_MODEL).or_else(|| span.text(attr::GEN_AI_REQUEST_MODEL))
            }
            GroupBy::Agent if operation == Some(agent) => {
                span.text(attr::GEN_AI_AGENT_NAME).or(Some(span.name.as_str()))
            }
            GroupBy::Tool if operation == Some(tool) => span.text(attr::GEN_AI_TOOL_NAME).or(Some(span.name.as_str())),
            GroupBy::Service if call && operation.is_some() => Some(span.service.as_str()),
            _ => None,
        };
        let Some(key) = key else { continue };
        let row = rows.entry(key.to_owned()).or_default();
        row.calls += 1;
        row.errors += u64::from(span.failed());
        let (input, output, cost) = if is_container(span) {
            // Our totals; other instrumentations may put the usage on the agent span itself.
            let cost = |key: &str| span.float(key);
            (
                span.int(total::INPUT_TOKENS).or_else(|| span.int(attr::GEN_AI_USAGE_INPUT_TOKENS)),
                span.int(total::OUTPUT_TOKENS).or_else(|| span.int(attr::GEN_AI_USAGE_OUTPUT_TOKENS)),
                cost(total::COST).or_else(|| cost(attr::GEN_AI_USAGE_COST)),
            )
        } else {
            (
                span.int(attr::GEN_AI_USAGE_INPUT_TOKENS),
                span.int(attr::GEN_AI_USAGE_OUTPUT_TOKENS),
                span.float(attr::GEN_AI_USAGE_COST),
            )
        };
        row.input += input.unwrap_or(0);
        row.output += output.unwrap_or(0);
        row.cost += cost.unwrap_or(0.0);
        row.durations.push(span.end_ns - span.start_ns);
    }
    let mut out: Vec<(String, Row)> = rows.into_iter().collect();
    out.sort_by(|a, b| b.1.cost.total_cmp(&a.1.cost).then(b.1.calls.cmp(&a.1.calls)));
    let groups: Vec<Value> = out
        .into_iter()
        .map(|(key, mut row)| {
            row.durations.sort_unstable();
            json!({
                "key": key,
                "calls": row.calls,
                "errors": row.errors,
                "input_tokens": row.input,
                "output_tokens": row.output,
                "cost_usd": usd(row.cost),
                "p50_ms": percentile(&row.durations, 50.0),
                "p95_ms": percentile(&row.durations, 95.0),
            })
        })
        .collect();
    json!({ "groups": groups })
}

/// The steps of a run: its spans other than the root, in start order.
fn steps<'a>(trace: &TraceSummary, spans: &'a [SpanRow]) -> Vec<&'a SpanRow> {
    spans.iter().filter(|s| s.span_id != trace.root_span_id).collect()
}

/// Two runs side by side: steps added or gone, how each step's count and time changed,
/// and the totals (duration, tokens, cost, errors) with their differences.
pub fn compare(a: (&TraceSummary, &[SpanRow]), b: (&TraceSummary, &[SpanRow])) -> Value {
    let count = |(trace, spans): (&TraceSummary, &[SpanRow])| -> BTreeMap<String, (i64, i64, i64)> {
        let mut by_name: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
        for span in steps(trace, spans) {
            let entry = by_name.entry(span.name.clone()).or_default();
            entry.0 += 1;
            entry.1 += span.end_ns - span.start_ns;
            entry.2 += i64::from(span.failed());
        }
        by_name
    };
    let (steps_a, steps_b) = (count(a), count(b));
    let mut names: Vec<&String> = steps_a.keys().chain(steps_b.keys()).collect();
    names.sort();
    names.dedup();
    let mut added = Vec::new();
    let mut gone = Vec::new();
    let mut changed = Vec::new();
    for name in names {
        match (steps_a.get(name), steps_b.get(name)) {
            (None, Some(b)) => added.push(json!({"step": name, "count": b.0, "duration_ms": ms(b.1), "errors": b.2})),
            (Some(a), None) => gone.push(json!({"step": name, "count": a.0, "duration_ms": ms(a.1), "errors": a.2})),
            (Some(a), Some(b)) => changed.push(json!({
                "step": name,
                "count": [a.0, b.0],
                "duration_ms": [ms(a.1), ms(b.1)],
                "errors": [a.2, b.2],
            })),
            (None, None) => {}
        }
    }
    let side = |(trace, spans): (&TraceSummary, &[SpanRow])| {
        let mut side = trace_summary(trace);
        side["steps"] = steps(trace, spans).iter().map(|s| s.name.clone()).collect();
        side
    };
    let mut answer = json!({
        "a": side(a),
        "b": side(b),
        "difference": {
            "duration_ms": ms(b.0.duration_ns - a.0.duration_ns),
            "duration": format!("{} → {}", duration(a.0.duration_ns), duration(b.0.duration_ns)),
            "input_tokens": b.0.input_tokens - a.0.input_tokens,
            "output_tokens": b.0.output_tokens - a.0.output_tokens,
            "cost_usd": usd(b.0.cost - a.0.cost),
            "errors": b.0.errors - a.0.errors,
        },
        "steps_added": added,
        "steps_gone": gone,
        "steps_in_both": changed,
    });
    if a.0.root != b.0.root {
        answer["warning"] = json!(format!(
            "the runs have different roots ({:?} and {:?}): they may not be the same agent",
            a.0.root, b.0.root
        ));
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete trace of service `svc` whose root is `step 1`; tests set the rest.
    fn trace() -> TraceSummary {
        TraceSummary {
            trace_id: "ab".repeat(16),
            service: "svc".into(),
            root: "step 1".into(),
            complete: true,
            ..TraceSummary::default()
        }
    }

    fn agent_span(name: &str, attributes: Value) -> SpanRow {
        let mut attributes = attributes.as_object().unwrap().clone();
        attributes.insert("gen_ai.operation.name".into(), json!("invoke_agent"));
        attributes.insert("gen_ai.agent.name".into(), json!(name));
        SpanRow {
            trace_id: "ab".repeat(16),
            span_id: "cd".repeat(8),
            name: format!("invoke_agent {name}"),
            kind: 1,
            start_ns: 1_000_000,
            end_ns: 41_000_000,
            service: "svc".into(),
            scope: "scope".into(),
            attributes,
            ..SpanRow::default()
        }
    }

    #[test]
    fn agent_usage_comes_from_our_totals_or_from_the_agent_span_itself() {
        let spans = [
            agent_span("ours", json!({"otel_genai.total.input_tokens": 30, "otel_genai.total.cost": 0.5})),
            agent_span("theirs", json!({"gen_ai.usage.input_tokens": 7, "gen_ai.usage.output_tokens": 3})),
        ];
        let usage = usage(&spans, GroupBy::Agent);
        let groups = usage["groups"].as_array().unwrap();
        let find = |key: &str| groups.iter().find(|g| g["key"] == key).unwrap().clone();
        assert_eq!((find("ours")["input_tokens"].clone(), find("ours")["cost_usd"].clone()), (json!(30), json!(0.5)));
        assert_eq!(
            (find("theirs")["input_tokens"].clone(), find("theirs")["output_tokens"].clone()),
            (json!(7), json!(3))
        );
        assert_eq!(find("theirs")["p50_ms"], json!(40.0));
    }

    fn span(id: u64, parent: Option<u64>) -> SpanRow {
        let mut row = agent_span("a", json!({}));
        row.span_id = format!("{id:016x}");
        row.parent_id = parent.map(|p| format!("{p:016x}")).unwrap_or_default();
        row.name = format!("step {id}");
        row
    }

    #[test]
    fn deep_and_cyclic_traces_are_cut_and_counted_not_lost() {
        let summary = TraceSummary { root_span_id: format!("{:016x}", 1), duration_ns: 1, ..trace() };
        let limits = TraceLimits { content: false, attributes: false, max_spans: 2000 };
        // A chain 300 deep.
        let chain: Vec<SpanRow> = (1..=300).map(|i| span(i, (i > 1).then(|| i - 1))).collect();
        let tree = trace_tree(&summary, &chain, &[], limits);
        let mut depth = 0;
        let mut level = &tree["tree"][0];
        while let Some(next) = level.get("children") {
            level = &next[0];
            depth += 1;
        }
        assert_eq!(depth + 1, MAX_DEPTH);
        assert_eq!(tree["truncated"]["spans_omitted"], json!(300 - MAX_DEPTH));
        // Two spans that are each other's parent, beside a root.
        let cycle = vec![span(1, None), span(2, Some(3)), span(3, Some(2))];
        let tree = trace_tree(&summary, &cycle, &[], limits);
        assert_eq!(tree["tree"].as_array().unwrap().len(), 1);
        assert_eq!(tree["truncated"]["spans_omitted"], json!(2));
    }

    #[test]
    fn a_root_whose_parent_is_in_another_process_is_not_a_step() {
        let summary =
            |root: u64| TraceSummary { root_span_id: format!("{root:016x}"), duration_ns: 1, spans: 2, ..trace() };
        // The root's parent (99) is in the gateway that called this service.
        let mut root = span(1, Some(99));
        root.remote_parent = true;
        let run = vec![root, span(2, Some(1))];
        let compared = compare((&summary(1), &run), (&summary(1), &run));
        assert_eq!(compared["a"]["steps"], json!(["step 2"]));
    }

    #[test]
    fn runs_compared_show_the_steps_added_and_gone_and_the_differences() {
        let summary = |input_tokens: i64, errors: i64| TraceSummary {
            root_span_id: format!("{:016x}", 1),
            duration_ns: 40_000_000,
            spans: 3,
            input_tokens,
            output_tokens: 5,
            errors,
            ..trace()
        };
        let before = vec![span(1, None), span(2, Some(1)), span(3, Some(1))];
        let mut failed = span(4, Some(1));
        failed.status = SpanRow::STATUS_ERROR;
        let after = vec![span(1, None), span(2, Some(1)), failed];
        let compared = compare((&summary(10, 0), &before), (&summary(25, 1), &after));
        assert_eq!(compared["steps_gone"], json!([{"step": "step 3", "count": 1, "duration_ms": 40.0, "errors": 0}]));
        assert_eq!(compared["steps_added"], json!([{"step": "step 4", "count": 1, "duration_ms": 40.0, "errors": 1}]));
        assert_eq!(compared["steps_in_both"].as_array().unwrap().len(), 1);
        assert_eq!(compared["steps_in_both"][0]["step"], "step 2");
        assert_eq!(compared["difference"]["input_tokens"], 15);
        assert_eq!(compared["difference"]["output_tokens"], 0);
        assert_eq!(compared["difference"]["errors"], 1);
    }
}
