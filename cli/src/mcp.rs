//! `otel-genai mcp`: the trace store as Model Context Protocol tools, over stdio (what
//! Claude Code, Cursor and VS Code start) or streamable HTTP (`--http`).
//!
//! Every answer is JSON (structured content, and the same as text), bounded in size. An
//! unknown trace id or a bad argument is an MCP error (`invalid_params`) that says what is
//! wrong and what to do.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ErrorCode, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ErrorData, ServerHandler, ServiceExt as _, tool, tool_handler, tool_router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::analysis::{self, GroupBy, TraceLimits};
use crate::store::{LookupError, Reader, SpanFilter, TraceFilter, ago_ns, nanos};

const INSTRUCTIONS: &str = "Traces of GenAI code (LLM calls, agent runs, tool calls) recorded with OpenTelemetry \
and stored locally by `otel-genai serve`. Start with list_traces (newest first) or find_errors; read one run with \
get_trace; see where tokens, money and time go with usage_summary; check a code change with compare_runs on a run \
before and a run after it. Trace ids may be shortened to their first hex digits (at least 4; 8 are rarely ambiguous).";

/// The MCP server: a read-only view of the store, opened at the first call that needs it
/// (so that the server starts before `serve` has ever run).
#[derive(Clone)]
pub struct Traces {
    path: Arc<PathBuf>,
    reader: Arc<Mutex<Option<Reader>>>,
    tool_router: ToolRouter<Self>,
}

/// The largest answer `get_trace` gives, in bytes of JSON: beyond, fewer spans are shown.
const MAX_ANSWER: usize = 256 * 1024;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTracesArgs {
    /// Only traces of this service (its `service.name`).
    pub service: Option<String>,
    /// Only traces whose root span (its whole name or what follows the operation), or an agent or tool that ran in them, has this name (e.g. `research-agent`).
    pub name: Option<String>,
    /// Only traces in which a span failed.
    pub errors_only: Option<bool>,
    /// Only traces that started within this long ago: `30m`, `2h`, `7d`.
    pub since: Option<String>,
    /// Only traces that took at least this long: `500ms`, `2s`.
    pub min_duration: Option<String>,
    /// How many traces, newest first (default 20, at most 200).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetTraceArgs {
    /// The trace id (32 hex digits), or its first 4 or more.
    pub trace_id: String,
    /// Include captured prompts, answers and tool arguments/results, where the application captured them (default false).
    pub include_content: Option<bool>,
    /// Include every attribute of every span (default false: the ones that matter are already summarised).
    pub include_attributes: Option<bool>,
    /// The most spans to return (default 200, at most 2000); the rest is counted in `truncated`.
    pub max_spans: Option<u32>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindErrorsArgs {
    /// How far back to look: `30m`, `2h`, `7d` (default `24h`).
    pub since: Option<String>,
    /// Only this service.
    pub service: Option<String>,
    /// How many groups, the most frequent first (default 10).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageSummaryArgs {
    /// What to group by: `model` (default), `agent`, `tool` or `service`.
    pub group_by: Option<GroupBy>,
    /// How far back to look: `30m`, `2h`, `7d` (default `24h`).
    pub since: Option<String>,
    /// Only this service.
    pub service: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareRunsArgs {
    /// The earlier run (e.g. before a code change): a trace id or its first 4 or more hex digits.
    pub before: String,
    /// The later run (e.g. after the change).
    pub after: String,
}

fn invalid(message: impl Into<String>) -> ErrorData {
    ErrorData::invalid_params(message.into(), None)
}

fn internal(error: impl std::fmt::Display) -> ErrorData {
    ErrorData::internal_error(format!("cannot read the trace store: {error}"), None)
}

/// A duration argument (`30m`, `500ms`), if given.
fn duration(argument: &str, value: Option<&str>) -> Result<Option<Duration>, ErrorData> {
    value.map(|text| crate::report::parse_duration(text).map_err(|e| invalid(format!("{argument}: {e}")))).transpose()
}

/// The spans of the window `since` (default the last 24 hours) of `service`.
fn window(since: Option<&str>, service: Option<String>, errors_only: bool) -> Result<SpanFilter, ErrorData> {
    let since = duration("since", Some(since.unwrap_or("24h")))?;
    Ok(SpanFilter { since_ns: since.map(ago_ns), errors_only, service })
}

/// The tree `tree` makes within `limit` bytes of JSON: with fewer spans until it fits (first
/// in proportion to the size, then by halves), and then marked as cut, with why.
fn within(limit: usize, asked: TraceLimits, tree: impl Fn(TraceLimits) -> Value) -> Value {
    let mut limits = asked;
    loop {
        let mut answer = tree(limits);
        let size = json_len(&answer);
        if size <= limit || limits.max_spans == 1 {
            if size > limit || limits.max_spans < asked.max_spans {
                answer["truncated"]["answer_bytes_limit"] = json!(limit);
                answer["truncated"]["note"] = json!(format!(
                    "cut to {} spans to keep the answer under {limit} bytes: a larger max_spans does not help \
                     (include_attributes and include_content make each span larger)",
                    limits.max_spans
                ));
            }
            return answer;
        }
        let proportional = limits.max_spans * limit / size;
        limits.max_spans = proportional.min(limits.max_spans / 2).max(1);
    }
}

/// How long `value` is as JSON, counted without writing it anywhere.
fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

fn answer(value: Value) -> CallToolResult {
    CallToolResult::structured(value)
}

impl Traces {
    /// Runs `f` on the store, off the async threads (a window's spans can take a while).
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Reader) -> Result<T, ErrorData> + Send + 'static,
    ) -> Result<T, ErrorData> {
        let (path, reader) = (self.path.clone(), self.reader.clone());
        tokio::task::spawn_blocking(move || {
            let mut reader = reader.lock().unwrap_or_else(PoisonError::into_inner);
            if reader.is_none() {
                *reader = Some(Reader::open(&path).map_err(|error| {
                    ErrorData::new(
                        ErrorCode::RESOURCE_NOT_FOUND,
                        format!("{error}; start `otel-genai serve` and export to it, then ask again"),
                        None,
                    )
                })?);
            }
            f(reader.as_ref().expect("opened above"))
        })
        .await
        .map_err(|error| ErrorData::internal_error(format!("the query failed: {error}"), None))?
    }

    fn resolve(reader: &Reader, argument: &str, id: &str) -> Result<String, ErrorData> {
        reader.resolve(id).map_err(|error| match error {
            LookupError::Store(e) => internal(e),
            LookupError::Unknown(_) => invalid(format!(
                "{argument}: {error}; list_traces shows the trace ids there are (old traces are removed by retention)"
            )),
            other => invalid(format!("{argument}: {other}")),
        })
    }
}

#[tool_router]
impl Traces {
    pub fn new(path: PathBuf) -> Traces {
        Traces { path: Arc::new(path), reader: Arc::new(Mutex::new(None)), tool_router: Self::tool_router() }
    }

    #[tool(
        description = "List recent traces (one per agent run or request), newest first: trace id, service, root span, \
        start time (UTC), duration, span count, input/output tokens, cost in USD, number of failed spans, and whether \
        the root span has arrived. Filter by service, by root/agent/tool name, to failed runs only, by age and by minimum duration.",
        annotations(read_only_hint = true)
    )]
    async fn list_traces(&self, Parameters(args): Parameters<ListTracesArgs>) -> Result<CallToolResult, ErrorData> {
        let limit = args.limit.unwrap_or(20);
        if limit == 0 || limit > 200 {
            return Err(invalid(format!("limit: {limit} is out of range: give 1 to 200")));
        }
        let filter = TraceFilter {
            service: args.service,
            name: args.name,
            errors_only: args.errors_only.unwrap_or(false),
            since_ns: duration("since", args.since.as_deref())?.map(ago_ns),
            min_duration_ns: duration("min_duration", args.min_duration.as_deref())?.map(nanos),
            limit: limit as usize,
            ..TraceFilter::default()
        };
        let traces = self.read(move |reader| reader.traces(&filter).map_err(internal)).await?;
        let rows: Vec<Value> = traces.iter().map(analysis::trace_summary).collect();
        Ok(answer(json!({ "count": rows.len(), "traces": rows })))
    }

    #[tool(
        description = "One trace as a tree of spans: for each span its name, operation, start offset and duration (ms), \
        status and error (type and message), provider and models, tokens and cost (agents: totals of what ran inside), \
        reasoning steps and other events, and its children. Captured content (prompts, answers, tool arguments and results) \
        only with include_content and only where the application captured it. Large traces are cut to max_spans, marked in `truncated`.",
        annotations(read_only_hint = true)
    )]
    async fn get_trace(&self, Parameters(args): Parameters<GetTraceArgs>) -> Result<CallToolResult, ErrorData> {
        let max_spans = args.max_spans.unwrap_or(200);
        if max_spans == 0 || max_spans > 2000 {
            return Err(invalid(format!("max_spans: {max_spans} is out of range: give 1 to 2000")));
        }
        let limits = TraceLimits {
            content: args.include_content.unwrap_or(false),
            attributes: args.include_attributes.unwrap_or(false),
            max_spans: max_spans as usize,
        };
        self.read(move |reader| {
            let id = Self::resolve(reader, "trace_id", &args.trace_id)?;
            let trace = reader.trace(&id).map_err(internal)?.ok_or_else(|| invalid(format!("no trace {id}")))?;
            let spans = reader.spans(&id).map_err(internal)?;
            let logs = reader.logs(&id).map_err(internal)?;
            Ok(answer(within(MAX_ANSWER, limits, |limits| analysis::trace_tree(&trace, &spans, &logs, limits))))
        })
        .await
    }

    #[tool(
        description = "Recent failures grouped by error type (`error.type`) and span name, the most frequent first: how many, \
        when last seen, the services, and a sample trace id and error message to open with get_trace.",
        annotations(read_only_hint = true)
    )]
    async fn find_errors(&self, Parameters(args): Parameters<FindErrorsArgs>) -> Result<CallToolResult, ErrorData> {
        let limit = args.limit.unwrap_or(10);
        if limit == 0 || limit > 100 {
            return Err(invalid(format!("limit: {limit} is out of range: give 1 to 100")));
        }
        let filter = window(args.since.as_deref(), args.service, true)?;
        let spans = self.read(move |reader| reader.spans_matching(&filter).map_err(internal)).await?;
        Ok(answer(analysis::errors(&spans, limit as usize)))
    }

    #[tool(
        description = "Where tokens, money and time go: for each model (or agent, tool, service) over a window, the number \
        of calls and failures, input and output tokens, cost in USD, and p50/p95 latency in ms. Most expensive first.",
        annotations(read_only_hint = true)
    )]
    async fn usage_summary(&self, Parameters(args): Parameters<UsageSummaryArgs>) -> Result<CallToolResult, ErrorData> {
        let by = args.group_by.unwrap_or(GroupBy::Model);
        let filter = window(args.since.as_deref(), args.service, false)?;
        let spans = self.read(move |reader| reader.spans_matching(&filter).map_err(internal)).await?;
        let mut summary = analysis::usage(&spans, by);
        summary["group_by"] = json!(by);
        Ok(answer(summary))
    }

    #[tool(
        description = "Two runs of the same agent side by side, to check a code change: the steps (child spans) added or \
        gone, each common step's count, time and errors before and after, and the differences in duration, tokens, cost \
        and errors.",
        annotations(read_only_hint = true)
    )]
    async fn compare_runs(&self, Parameters(args): Parameters<CompareRunsArgs>) -> Result<CallToolResult, ErrorData> {
        self.read(move |reader| {
            let before = Self::resolve(reader, "before", &args.before)?;
            let after = Self::resolve(reader, "after", &args.after)?;
            let load = |id: &str| -> Result<_, ErrorData> {
                let trace = reader.trace(id).map_err(internal)?.ok_or_else(|| invalid(format!("no trace {id}")))?;
                Ok((trace, reader.spans(id).map_err(internal)?))
            };
            let (a, b) = (load(&before)?, load(&after)?);
            Ok(answer(analysis::compare((&a.0, &a.1), (&b.0, &b.1))))
        })
        .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Traces {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("otel-genai", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

/// Serves over stdio until the client goes, or over streamable HTTP at `address` (`/mcp`).
pub async fn run(path: PathBuf, http: Option<String>) -> Result<(), String> {
    match http {
        None => {
            let server =
                Traces::new(path).serve(rmcp::transport::stdio()).await.map_err(|e| format!("MCP over stdio: {e}"))?;
            server.waiting().await.map_err(|e| e.to_string())?;
            Ok(())
        }
        Some(address) => serve_http(&path, &address).await,
    }
}

async fn serve_http(path: &std::path::Path, address: &str) -> Result<(), String> {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

    let traces = Traces::new(path.to_owned());
    let service = StreamableHttpService::new(
        move || Ok(traces.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let listener = crate::serve::bind(address, "MCP over HTTP", "another server", "--http").await?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if local.ip().is_unspecified() {
        eprintln!(
            "otel-genai: MCP server at http://127.0.0.1:{}/mcp (requests naming another host are refused, as a \
             guard against DNS rebinding)",
            local.port()
        );
    } else {
        eprintln!("otel-genai: MCP server at http://{local}/mcp");
    }
    let handler = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        let service = service.clone();
        async move {
            if request.uri().path() != "/mcp" {
                use http_body_util::BodyExt as _;
                let body = http_body_util::Full::new(hyper::body::Bytes::from_static(b"the MCP endpoint is /mcp"))
                    .map_err(|never| match never {})
                    .boxed();
                let mut response = hyper::Response::new(body);
                *response.status_mut() = hyper::StatusCode::NOT_FOUND;
                return Ok::<_, std::convert::Infallible>(response);
            }
            Ok(service.handle(request).await)
        }
    });
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    crate::serve::serve_connections(listener, stop, std::time::Duration::from_secs(2), handler).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of `max_spans` spans of 100 bytes each.
    fn spans_of(limits: TraceLimits) -> Value {
        json!({"spans": vec!["x".repeat(98); limits.max_spans]})
    }

    fn asked(max_spans: usize) -> TraceLimits {
        TraceLimits { content: false, attributes: false, max_spans }
    }

    #[test]
    fn an_answer_over_the_limit_has_fewer_spans_and_says_why() {
        let fits = within(10_000, asked(50), spans_of);
        assert_eq!(fits["spans"].as_array().unwrap().len(), 50);
        assert!(fits.get("truncated").is_none());
        assert_eq!(json_len(&fits), fits.to_string().len());

        let cut = within(10_000, asked(500), spans_of);
        let kept = cut["spans"].as_array().unwrap().len();
        assert!((50..100).contains(&kept), "{kept} spans kept");
        assert!(json_len(&cut) <= 10_000 + 300, "{} bytes", json_len(&cut));
        assert_eq!(cut["truncated"]["answer_bytes_limit"], 10_000);
        assert!(cut["truncated"]["note"].as_str().unwrap().starts_with(&format!("cut to {kept} spans")), "{cut}");

        // One span over the limit is still an answer, marked.
        let single = within(50, asked(3), spans_of);
        assert_eq!(single["spans"].as_array().unwrap().len(), 1);
        assert_eq!(single["truncated"]["answer_bytes_limit"], 50);
    }
}
