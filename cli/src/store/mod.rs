//! The trace store: one SQLite file (WAL, synchronous commits), written by one thread that
//! commits what arrives in batches, and read by any number of other connections and
//! processes (the views, the MCP server) at the same time.

mod read;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use read::{LookupError, Reader, SpanFilter, TraceFilter, TraceSummary};
pub use write::{Totals, Writer, WriterOptions, ago_ns, nanos};

/// Why data could not be stored. Everything but [`StoreError::Open`] is worth retrying:
/// nothing of the request was kept, and the receiver answers with OTLP's retryable status.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("the store is busy: {pending} rows are waiting to be written")]
    Busy { pending: usize },
    #[error(
        "the store is full (its limit of {limit} bytes, --max-size, or the disk) and the oldest data cannot make room fast enough"
    )]
    Full { limit: u64 },
    #[error("the store stopped")]
    Stopped,
    #[error("cannot write to the store: {0}")]
    Write(String),
    #[error("cannot open the trace store {path}: {reason}")]
    Open { path: String, reason: String },
}

/// Where the store lives when `--db` is not given: `OTEL_GENAI_DB`, else
/// `$XDG_DATA_HOME/otel-genai/traces.db` (`~/.local/share/...`; on macOS
/// `~/Library/Application Support/...`; on Windows `%LOCALAPPDATA%\...`).
pub fn default_path() -> PathBuf {
    if let Some(path) = std::env::var_os("OTEL_GENAI_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let home = || std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from).unwrap_or_else(home)
    } else if cfg!(target_os = "macos") {
        home().join("Library/Application Support")
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| home().join(".local/share"))
    };
    base.join("otel-genai").join("traces.db")
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS spans (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    remote_parent INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    status INTEGER NOT NULL,
    status_message TEXT NOT NULL,
    service TEXT NOT NULL,
    scope TEXT NOT NULL,
    operation TEXT,
    agent TEXT,
    tool TEXT,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost REAL,
    attributes TEXT NOT NULL,
    events TEXT NOT NULL,
    links TEXT NOT NULL,
    resource TEXT NOT NULL,
    received_ns INTEGER NOT NULL,
    PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spans_start ON spans (start_ns);
CREATE TABLE IF NOT EXISTS traces (
    trace_id TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    root_name TEXT NOT NULL,
    root_span_id TEXT NOT NULL,
    complete INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    spans INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost REAL NOT NULL,
    errors INTEGER NOT NULL,
    received_ns INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS traces_start ON traces (start_ns);
CREATE INDEX IF NOT EXISTS traces_received ON traces (received_ns);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    time_ns INTEGER NOT NULL,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    severity INTEGER NOT NULL,
    severity_text TEXT NOT NULL,
    event_name TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    service TEXT NOT NULL,
    scope TEXT NOT NULL,
    received_ns INTEGER NOT NULL,
    digest INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS logs_once ON logs (digest, time_ns);
CREATE INDEX IF NOT EXISTS logs_received ON logs (received_ns);
CREATE INDEX IF NOT EXISTS logs_trace ON logs (trace_id);
CREATE TABLE IF NOT EXISTS points (
    id INTEGER PRIMARY KEY,
    time_ns INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    service TEXT NOT NULL,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    attributes TEXT NOT NULL,
    value TEXT NOT NULL,
    received_ns INTEGER NOT NULL,
    digest INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS points_once ON points (digest, time_ns);
CREATE INDEX IF NOT EXISTS points_received ON points (received_ns);
";

/// Operations whose spans carry totals of what ran inside them, not usage of their own
/// (`create_agent` is the conventions' too, though no macro makes it).
pub const CONTAINER_OPERATIONS: [&str; 3] =
    [otel_genai::Operation::InvokeAgent.name(), otel_genai::Operation::InvokeWorkflow.name(), "create_agent"];

fn open_error(path: &Path, error: impl std::fmt::Display) -> StoreError {
    StoreError::Open { path: path.display().to_string(), reason: error.to_string() }
}

/// Opens (creating) the file for writing, with the schema.
pub(crate) fn open_for_writing(path: Option<&Path>) -> Result<rusqlite::Connection, StoreError> {
    let shown = path.unwrap_or(Path::new(":memory:"));
    let connection = match path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| open_error(shown, e))?;
            }
            rusqlite::Connection::open(path)
        }
        None => rusqlite::Connection::open_in_memory(),
    }
    .map_err(|e| open_error(shown, e))?;
    connection.busy_timeout(Duration::from_secs(5)).map_err(|e| open_error(shown, e))?;
    connection
        .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .and_then(|()| connection.execute_batch(SCHEMA))
        .map_err(|e| open_error(shown, e))?;
    Ok(connection)
}
