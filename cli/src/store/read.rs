//! Reading the store: recent traces with their summaries, a trace's spans and events, and
//! the spans of a window for the error and usage reports. Readers never block the writer
//! (WAL), and may run in other processes.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags, Row};
use serde_json::{Map, Value};

use super::StoreError;
use crate::otlp::{LogRow, SpanRow};

/// A trace at a glance (as JSON: `analysis::trace_summary`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceSummary {
    pub trace_id: String,
    pub service: String,
    /// The root span's name (`invoke_agent research-agent`).
    pub root: String,
    /// The root span: without a parent, or with its parent in another process.
    pub root_span_id: String,
    /// Whether the root span has arrived.
    pub complete: bool,
    pub start_ns: i64,
    pub duration_ns: i64,
    pub spans: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cost: f64,
    pub errors: i64,
    pub received_ns: i64,
}

/// Which traces [`Reader::traces`] returns, newest first.
#[derive(Debug, Clone, Default)]
pub struct TraceFilter {
    pub service: Option<String>,
    /// The root span's name (whole, or what follows the operation: `nightly` for
    /// `invoke_workflow nightly`), or the name of an agent or tool that ran in it.
    pub name: Option<String>,
    pub errors_only: bool,
    pub since_ns: Option<i64>,
    pub min_duration_ns: Option<i64>,
    /// Only traces written after this point (`received_ns` and trace id of an earlier
    /// summary), in the order they were written: for following the store.
    pub received_after: Option<(i64, String)>,
    pub limit: usize,
}

/// Which spans [`Reader::spans_matching`] returns.
#[derive(Debug, Clone, Default)]
pub struct SpanFilter {
    pub since_ns: Option<i64>,
    pub errors_only: bool,
    pub service: Option<String>,
}

/// A read-only view of the store.
pub struct Reader {
    connection: Connection,
}

/// A trace id, or a prefix of one, that names no trace or more than one.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LookupError {
    #[error("no trace {0} in the store")]
    Unknown(String),
    #[error("{0:?} is not a trace id: expected 32 hex digits (or at least 4 of its first)")]
    Malformed(String),
    #[error("{prefix:?} starts {count} or more trace ids ({examples}): give more digits")]
    Ambiguous { prefix: String, count: usize, examples: String },
    #[error("{0}")]
    Store(String),
}

const SUMMARY_COLUMNS: &str = "trace_id, service, root_name, root_span_id, complete, start_ns,
    end_ns - start_ns AS duration_ns, spans, input_tokens, output_tokens, cost, errors, received_ns";

fn summary(row: &Row<'_>) -> rusqlite::Result<TraceSummary> {
    Ok(TraceSummary {
        trace_id: row.get("trace_id")?,
        service: row.get("service")?,
        root: row.get("root_name")?,
        root_span_id: row.get("root_span_id")?,
        complete: row.get("complete")?,
        start_ns: row.get("start_ns")?,
        duration_ns: row.get("duration_ns")?,
        spans: row.get("spans")?,
        input_tokens: row.get("input_tokens")?,
        output_tokens: row.get("output_tokens")?,
        cost: row.get("cost")?,
        errors: row.get("errors")?,
        received_ns: row.get("received_ns")?,
    })
}

fn object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

fn array(text: &str) -> Vec<Value> {
    serde_json::from_str(text).unwrap_or_default()
}

const SPAN_COLUMNS: &str =
    "trace_id, span_id, parent_id, remote_parent, name, kind, start_ns, end_ns, status, status_message,
    service, scope, attributes, events, links";

fn span(row: &Row<'_>) -> rusqlite::Result<SpanRow> {
    Ok(SpanRow {
        trace_id: row.get("trace_id")?,
        span_id: row.get("span_id")?,
        parent_id: row.get("parent_id")?,
        remote_parent: row.get("remote_parent")?,
        name: row.get("name")?,
        kind: row.get("kind")?,
        start_ns: row.get("start_ns")?,
        end_ns: row.get("end_ns")?,
        status: row.get("status")?,
        status_message: row.get("status_message")?,
        service: row.get("service")?,
        scope: row.get("scope")?,
        attributes: object(&row.get::<_, String>("attributes")?),
        events: array(&row.get::<_, String>("events")?),
        links: array(&row.get::<_, String>("links")?),
        // Stored with every span, shown by no view: not read back.
        resource: Arc::default(),
    })
}

impl Reader {
    /// Opens an existing store; a missing file is an error that says how to make one.
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        let fail = |reason: String| StoreError::Open { path: path.display().to_string(), reason };
        if !path.exists() {
            return Err(fail("there is no such file: `otel-genai serve` creates it when it starts".to_owned()));
        }
        let connection =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| fail(e.to_string()))?;
        connection.busy_timeout(Duration::from_secs(5)).map_err(|e| fail(e.to_string()))?;
        connection
            .query_row("SELECT 1 FROM traces LIMIT 1", [], |_| Ok(()))
            .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(()) } else { Err(e) })
            .map_err(|e| fail(format!("not an otel-genai trace store ({e})")))?;
        Ok(Reader { connection })
    }

    /// Traces, newest first.
    pub fn traces(&self, filter: &TraceFilter) -> rusqlite::Result<Vec<TraceSummary>> {
        let mut query = Where::default();
        if let Some(service) = &filter.service {
            let service = query.bind(service.clone());
            query.add(format!("t.service = {service}"));
        }
        if let Some(name) = &filter.name {
            let n = query.bind(name.clone());
            query.add(format!(
                "(t.root_name = {n} OR substr(t.root_name, -length({n}) - 1) = ' ' || {n} OR EXISTS (SELECT 1 FROM
                  spans s WHERE s.trace_id = t.trace_id AND (s.agent = {n} OR s.tool = {n})))"
            ));
        }
        if filter.errors_only {
            query.add("t.errors > 0".to_owned());
        }
        if let Some(since) = filter.since_ns {
            let since = query.bind(since);
            query.add(format!("t.start_ns >= {since}"));
        }
        if let Some(min) = filter.min_duration_ns {
            let min = query.bind(min);
            query.add(format!("t.end_ns - t.start_ns >= {min}"));
        }
        if let Some((at, trace)) = &filter.received_after {
            let (at, trace) = (query.bind(*at), query.bind(trace.clone()));
            query.add(format!("(t.received_ns > {at} OR (t.received_ns = {at} AND t.trace_id > {trace}))"));
        }
        let limit = query.bind(i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX));
        let order = if filter.received_after.is_some() { "t.received_ns, t.trace_id" } else { "t.start_ns DESC" };
        let sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM traces t WHERE {} ORDER BY {order} LIMIT {limit}", query.sql());
        let mut statement = self.connection.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(query.values), summary)?;
        rows.collect()
    }

    /// When the store was last written to (0 when empty).
    pub fn last_written(&self) -> rusqlite::Result<i64> {
        self.connection.query_row("SELECT COALESCE(MAX(received_ns), 0) FROM traces", [], |row| row.get(0))
    }

    /// The summary of one trace.
    pub fn trace(&self, trace_id: &str) -> rusqlite::Result<Option<TraceSummary>> {
        let mut statement =
            self.connection.prepare_cached(&format!("SELECT {SUMMARY_COLUMNS} FROM traces WHERE trace_id = ?1"))?;
        let mut rows = statement.query_map([trace_id], summary)?;
        rows.next().transpose()
    }

    /// The full trace id a trace id or a unique prefix of one names.
    pub fn resolve(&self, id: &str) -> Result<String, LookupError> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 4 || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(LookupError::Malformed(id));
        }
        let store = |e: rusqlite::Error| LookupError::Store(e.to_string());
        let mut statement = self
            .connection
            .prepare_cached("SELECT trace_id FROM traces WHERE trace_id >= ?1 AND trace_id < ?1 || 'g' LIMIT 4")
            .map_err(store)?;
        let found: Vec<String> =
            statement.query_map([&id], |row| row.get(0)).map_err(store)?.collect::<Result<_, _>>().map_err(store)?;
        match found.as_slice() {
            [] => Err(LookupError::Unknown(id)),
            [one] => Ok(one.clone()),
            many => Err(LookupError::Ambiguous {
                prefix: id,
                count: many.len(),
                examples: many.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// A trace's spans, in start order.
    pub fn spans(&self, trace_id: &str) -> rusqlite::Result<Vec<SpanRow>> {
        let mut statement = self
            .connection
            .prepare_cached(&format!("SELECT {SPAN_COLUMNS} FROM spans WHERE trace_id = ?1 ORDER BY start_ns"))?;
        let rows = statement.query_map([trace_id], span)?;
        rows.collect()
    }

    /// Spans across traces, oldest first.
    pub fn spans_matching(&self, filter: &SpanFilter) -> rusqlite::Result<Vec<SpanRow>> {
        let mut query = Where::default();
        if let Some(since) = filter.since_ns {
            let since = query.bind(since);
            query.add(format!("start_ns >= {since}"));
        }
        if let Some(service) = &filter.service {
            let service = query.bind(service.clone());
            query.add(format!("service = {service}"));
        }
        if filter.errors_only {
            query.add(format!("status = {}", SpanRow::STATUS_ERROR));
        }
        let sql = format!("SELECT {SPAN_COLUMNS} FROM spans WHERE {} ORDER BY start_ns", query.sql());
        let mut statement = self.connection.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(query.values), span)?;
        rows.collect()
    }

    /// The log records (events) of a trace, in time order.
    pub fn logs(&self, trace_id: &str) -> rusqlite::Result<Vec<LogRow>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT time_ns, trace_id, span_id, severity, severity_text, event_name, body, attributes, service, scope
             FROM logs WHERE trace_id = ?1 ORDER BY time_ns",
        )?;
        let rows = statement.query_map([trace_id], |row| {
            Ok(LogRow {
                time_ns: row.get("time_ns")?,
                trace_id: row.get("trace_id")?,
                span_id: row.get("span_id")?,
                severity: row.get("severity")?,
                severity_text: row.get("severity_text")?,
                event_name: row.get("event_name")?,
                body: serde_json::from_str(&row.get::<_, String>("body")?).unwrap_or(Value::Null),
                attributes: object(&row.get::<_, String>("attributes")?),
                service: row.get("service")?,
                scope: row.get("scope")?,
            })
        })?;
        rows.collect()
    }
}

/// A query's conditions, and the values bound for them.
#[derive(Default)]
struct Where {
    conditions: Vec<String>,
    values: Vec<SqlValue>,
}

impl Where {
    /// Binds `value`: its placeholder, for a condition.
    fn bind(&mut self, value: impl Into<SqlValue>) -> String {
        self.values.push(value.into());
        format!("?{}", self.values.len())
    }

    fn add(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    /// The conditions joined, or one that always holds.
    fn sql(&self) -> String {
        if self.conditions.is_empty() { "1 = 1".to_owned() } else { self.conditions.join(" AND ") }
    }
}
