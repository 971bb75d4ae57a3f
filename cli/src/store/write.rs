//! The one thread that writes: it takes the requests waiting, stores each under a savepoint of
//! one transaction (a request that cannot be stored leaves nothing behind and the others
//! still commit), commits with a sync, and only then answers each request. Retention runs on
//! the same thread between commits.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use otel_genai::attr;
use rusqlite::{Connection, ErrorCode, params};

use super::{CONTAINER_OPERATIONS, StoreError, open_for_writing};
use crate::otlp::{Rows, SpanRow};

/// How the writer keeps the store.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// The file; `None` keeps everything in memory.
    pub path: Option<PathBuf>,
    /// Data older than this is deleted.
    pub retention: Duration,
    /// The largest the data may grow (bytes): the oldest traces go first.
    pub max_size: u64,
    /// Rows accepted but not yet written, at most; beyond, requests are answered "busy".
    pub max_pending: usize,
}

/// What one request left in the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    pub spans: u64,
    pub logs: u64,
    pub points: u64,
}

/// Counts since start, for the progress lines and the summary.
#[derive(Debug, Default)]
pub struct Totals {
    pub spans: AtomicU64,
    pub logs: AtomicU64,
    pub points: AtomicU64,
    pub commits: AtomicU64,
    pub refused_busy: AtomicU64,
    pub failed: AtomicU64,
    pub evicted_traces: AtomicU64,
}

enum Attempt {
    /// Committed: what each request stored (`None` for those that failed).
    Done(Vec<Option<Stored>>),
    /// A request failed and the transaction with it: try the rest again.
    Again,
    /// The transaction could not be committed: nothing was stored.
    Failed(StoreError),
}

struct Job {
    rows: Rows,
    done: tokio::sync::oneshot::Sender<Result<Stored, StoreError>>,
}

/// The writing end of the store.
pub struct Writer {
    /// Unbounded: what waits is bounded by `pending` rows instead.
    jobs: Mutex<Option<Sender<Job>>>,
    pending: Arc<AtomicUsize>,
    max_pending: usize,
    pub totals: Arc<Totals>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// Requests taken into one transaction, at most (by rows).
const BATCH_ROWS: usize = 20_000;
/// How often retention runs when nothing arrives.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(10);

impl Writer {
    /// Opens the store and starts the writing thread.
    pub fn start(options: WriterOptions) -> Result<Writer, StoreError> {
        let connection = open_for_writing(options.path.as_deref())?;
        let page_size = connection
            .query_row("PRAGMA page_size", [], |row| row.get::<_, i64>(0))
            .map_or(4096, |n| n.max(512) as u64);
        let max_pages = (options.max_size / page_size).max(16);
        connection
            .execute_batch(&format!("PRAGMA max_page_count = {max_pages}"))
            .map_err(|e| StoreError::Write(e.to_string()))?;
        let (jobs, received) = std::sync::mpsc::channel::<Job>();
        let pending = Arc::new(AtomicUsize::new(0));
        let totals = Arc::new(Totals::default());
        let mut state = WriterThread {
            connection,
            pending: pending.clone(),
            totals: totals.clone(),
            retention: options.retention,
            max_size: options.max_size,
            page_size,
            last_maintenance: Instant::now(),
        };
        state.maintain();
        let thread = std::thread::Builder::new()
            .name("otel-genai-store".to_owned())
            .spawn(move || state.run(received))
            .map_err(|e| StoreError::Write(e.to_string()))?;
        Ok(Writer {
            jobs: Mutex::new(Some(jobs)),
            pending,
            max_pending: options.max_pending,
            totals,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Stores `rows`; returns once they are committed (or could not be).
    pub async fn write(&self, rows: Rows) -> Result<Stored, StoreError> {
        let count = rows.len();
        if count == 0 {
            return Ok(Stored::default());
        }
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner).clone().ok_or(StoreError::Stopped)?;
        let waiting = self.pending.fetch_add(count, Ordering::AcqRel);
        if waiting > 0 && waiting + count > self.max_pending {
            self.pending.fetch_sub(count, Ordering::AcqRel);
            self.totals.refused_busy.fetch_add(1, Ordering::Relaxed);
            return Err(StoreError::Busy { pending: waiting });
        }
        let (done, answer) = tokio::sync::oneshot::channel();
        if jobs.send(Job { rows, done }).is_err() {
            self.pending.fetch_sub(count, Ordering::AcqRel);
            return Err(StoreError::Stopped);
        }
        answer.await.unwrap_or(Err(StoreError::Stopped))
    }

    /// Writes what is queued (and what requests still in flight hand over) and stops the
    /// thread; later writes are answered [`StoreError::Stopped`].
    pub fn stop(&self) {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(thread) = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

struct WriterThread {
    connection: Connection,
    pending: Arc<AtomicUsize>,
    totals: Arc<Totals>,
    retention: Duration,
    max_size: u64,
    page_size: u64,
    last_maintenance: Instant,
}

/// A duration in nanoseconds, as the store counts time (saturating).
pub fn nanos(duration: Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

/// The time `age` ago, in nanoseconds since the epoch.
pub fn ago_ns(age: Duration) -> i64 {
    now_ns().saturating_sub(nanos(age))
}

pub fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, nanos)
}

impl WriterThread {
    fn run(&mut self, jobs: Receiver<Job>) {
        loop {
            let first = match jobs.recv_timeout(MAINTENANCE_EVERY) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    self.maintain();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let mut rows = first.rows.len();
            let mut batch = vec![first];
            while rows < BATCH_ROWS {
                match jobs.try_recv() {
                    Ok(job) => {
                        rows += job.rows.len();
                        batch.push(job);
                    }
                    Err(_) => break,
                }
            }
            self.commit(batch, rows);
            if self.last_maintenance.elapsed() >= MAINTENANCE_EVERY || self.used_bytes() > self.max_size / 10 * 9 {
                self.maintain();
            }
        }
        let _ = self.connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    /// Writes the batch (`rows` rows), then answers each request: its rows no longer wait by
    /// then, so a client that writes again on its answer finds room.
    fn commit(&mut self, batch: Vec<Job>, rows: usize) {
        let received = now_ns();
        let mut failed: Vec<Option<StoreError>> = batch.iter().map(|_| None).collect();
        // A request whose failure takes the whole transaction with it (SQLite rolls back on a
        // full database, for one) is set aside, and the others are written again.
        let outcome = loop {
            match self.attempt(&batch, &mut failed, received) {
                Attempt::Done(stored) => break Ok(stored),
                Attempt::Again => continue,
                Attempt::Failed(error) => break Err(error),
            }
        };
        let results: Vec<Result<Stored, StoreError>> = match outcome {
            Ok(stored) => stored
                .into_iter()
                .zip(failed)
                .map(|(stored, failure)| match failure {
                    Some(error) => Err(error),
                    None => Ok(stored.unwrap_or_default()),
                })
                .collect(),
            Err(error) => batch.iter().map(|_| Err(error.clone())).collect(),
        };
        self.totals.commits.fetch_add(1, Ordering::Relaxed);
        self.pending.fetch_sub(rows, Ordering::AcqRel);
        for (job, result) in batch.into_iter().zip(results) {
            match &result {
                Ok(stored) => {
                    self.totals.spans.fetch_add(stored.spans, Ordering::Relaxed);
                    self.totals.logs.fetch_add(stored.logs, Ordering::Relaxed);
                    self.totals.points.fetch_add(stored.points, Ordering::Relaxed);
                }
                Err(_) => {
                    self.totals.failed.fetch_add(1, Ordering::Relaxed);
                }
            }
            let _ = job.done.send(result);
        }
    }

    /// One transaction with every request not yet failed, each under a savepoint.
    fn attempt(&mut self, batch: &[Job], failed: &mut [Option<StoreError>], received: i64) -> Attempt {
        let max_size = self.max_size;
        let mut transaction = match self.connection.transaction() {
            Ok(transaction) => transaction,
            Err(error) => return Attempt::Failed(classify(&error, max_size)),
        };
        let mut stored = vec![None; batch.len()];
        let mut traces: Vec<&str> = Vec::new();
        for (index, job) in batch.iter().enumerate() {
            if failed[index].is_some() {
                continue;
            }
            let result = transaction.savepoint().and_then(|savepoint| {
                let written = insert(&savepoint, &job.rows, received)?;
                savepoint.commit()?;
                Ok(written)
            });
            match result {
                Ok(written) => {
                    stored[index] = Some(written);
                    traces.extend(job.rows.spans.iter().map(|s| s.trace_id.as_str()));
                }
                Err(error) => {
                    failed[index] = Some(classify(&error, max_size));
                    if transaction.is_autocommit() {
                        return Attempt::Again;
                    }
                }
            }
        }
        traces.sort_unstable();
        traces.dedup();
        let summarised = transaction.prepare_cached(&SUMMARY).and_then(|mut summarise| {
            traces.iter().try_for_each(|trace| summarise.execute(params![trace, received]).map(drop))
        });
        match summarised.and_then(|()| transaction.commit()) {
            Ok(()) => Attempt::Done(stored),
            Err(error) => Attempt::Failed(classify(&error, max_size)),
        }
    }

    fn used_bytes(&self) -> u64 {
        let pages = |pragma: &str| -> u64 {
            self.connection.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get::<_, i64>(0)).unwrap_or(0).max(0)
                as u64
        };
        pages("page_count").saturating_sub(pages("freelist_count")) * self.page_size
    }

    /// Deletes what is older than the retention, then the oldest traces while the data is
    /// above 80% of the size limit.
    fn maintain(&mut self) {
        self.last_maintenance = Instant::now();
        // By when the data arrived, not the times it carries: a sender's clock may be off.
        let cutoff = ago_ns(self.retention);
        let _ = self.delete_received_before(cutoff);
        // Then the oldest tenth of each table, until the data is under 80% of the limit.
        while self.used_bytes() > self.max_size / 10 * 8 {
            match self.delete_oldest_tenth() {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }

    fn delete_received_before(&mut self, cutoff: i64) -> rusqlite::Result<()> {
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "DELETE FROM spans WHERE trace_id IN (SELECT trace_id FROM traces WHERE received_ns < ?1)",
            [cutoff],
        )?;
        let traces = transaction.execute("DELETE FROM traces WHERE received_ns < ?1", [cutoff])?;
        transaction.execute("DELETE FROM logs WHERE received_ns < ?1", [cutoff])?;
        transaction.execute("DELETE FROM points WHERE received_ns < ?1", [cutoff])?;
        transaction.commit()?;
        self.totals.evicted_traces.fetch_add(traces as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Deletes the tenth of the traces, of the events and of the metric points that arrived
    /// first; how many rows went.
    fn delete_oldest_tenth(&mut self) -> rusqlite::Result<usize> {
        let transaction = self.connection.transaction()?;
        let count: i64 = transaction.query_row("SELECT COUNT(*) FROM traces", [], |r| r.get(0))?;
        let oldest = "SELECT trace_id FROM traces ORDER BY received_ns LIMIT ?1";
        let tenth = (count / 10).max(1);
        transaction.execute(&format!("DELETE FROM spans WHERE trace_id IN ({oldest})"), [tenth])?;
        let traces = transaction.execute(&format!("DELETE FROM traces WHERE trace_id IN ({oldest})"), [tenth])?;
        self.totals.evicted_traces.fetch_add(traces as u64, Ordering::Relaxed);
        let logs = transaction.execute(
            "DELETE FROM logs WHERE id IN (SELECT id FROM logs ORDER BY id LIMIT max(1, (SELECT COUNT(*) FROM logs) / 10))",
            [],
        )?;
        let points = transaction.execute(
            "DELETE FROM points WHERE id IN (SELECT id FROM points ORDER BY id
                LIMIT max(1, (SELECT COUNT(*) FROM points) / 10))",
            [],
        )?;
        transaction.commit()?;
        Ok(traces + logs + points)
    }
}

fn classify(error: &rusqlite::Error, max_size: u64) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::Full { limit: max_size },
        _ => StoreError::Write(error.to_string()),
    }
}

/// Recomputes a trace's summary from its spans: the root (the span without a parent or
/// whose parent is in another process, else the earliest), the time it covers, and the tokens and cost of the calls in it (agents
/// and workflows carry totals of their children, which are not counted again).
static SUMMARY: LazyLock<String> = LazyLock::new(|| {
    let containers = format!("('{}')", CONTAINER_OPERATIONS.join("', '"));
    let error = SpanRow::STATUS_ERROR;
    // TOTAL, not SUM: a sum past i64 saturates instead of failing the commit.
    format!(
        "INSERT OR REPLACE INTO traces (trace_id, service, root_name, root_span_id, complete, start_ns, end_ns,
            spans, input_tokens, output_tokens, cost, errors, received_ns)
         SELECT ?1, r.service, r.name, r.span_id, r.parent_id = '' OR r.remote_parent, a.start_ns, a.end_ns,
            a.spans, a.input_tokens, a.output_tokens, a.cost, a.errors, ?2
         FROM (SELECT MIN(start_ns) AS start_ns, MAX(end_ns) AS end_ns, COUNT(*) AS spans,
                 CAST(TOTAL(CASE WHEN operation IN {containers} THEN 0 ELSE input_tokens END) AS INTEGER) AS input_tokens,
                 CAST(TOTAL(CASE WHEN operation IN {containers} THEN 0 ELSE output_tokens END) AS INTEGER) AS output_tokens,
                 TOTAL(CASE WHEN operation IN {containers} THEN 0 ELSE cost END) AS cost,
                 COUNT(CASE WHEN status = {error} THEN 1 END) AS errors
               FROM spans WHERE trace_id = ?1) AS a,
              (SELECT service, name, span_id, parent_id, remote_parent FROM spans WHERE trace_id = ?1
               ORDER BY parent_id <> '' AND NOT remote_parent, start_ns LIMIT 1) AS r"
    )
});

/// FNV-1a over `parts` (with a separator): what makes an event or a data point the same one
/// again, so that a request sent twice (its answer lost) stores it once. Spans need none:
/// their ids are their identity.
fn digest(parts: &[&str]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash as i64
}

/// A value as JSON text (maps and lists of JSON values always serialise).
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn insert(connection: &Connection, rows: &Rows, received: i64) -> rusqlite::Result<Stored> {
    let mut span = connection.prepare_cached(
        "INSERT OR REPLACE INTO spans (trace_id, span_id, parent_id, remote_parent, name, kind, start_ns, end_ns, status,
            status_message, service, scope, operation, agent, tool, input_tokens, output_tokens, cost, attributes,
            events, links, resource, received_ns)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23)",
    )?;
    for row in &rows.spans {
        span.execute(params![
            row.trace_id,
            row.span_id,
            row.parent_id,
            row.remote_parent,
            row.name,
            row.kind,
            row.start_ns,
            row.end_ns,
            row.status,
            row.status_message,
            row.service,
            row.scope,
            row.text(attr::GEN_AI_OPERATION_NAME),
            row.text(attr::GEN_AI_AGENT_NAME),
            row.text(attr::GEN_AI_TOOL_NAME),
            row.int(attr::GEN_AI_USAGE_INPUT_TOKENS),
            row.int(attr::GEN_AI_USAGE_OUTPUT_TOKENS),
            row.float(attr::GEN_AI_USAGE_COST),
            json(&row.attributes),
            json(&row.events),
            json(&row.links),
            &*row.resource,
            received,
        ])?;
    }
    let mut log = connection.prepare_cached(
        "INSERT OR IGNORE INTO logs (time_ns, trace_id, span_id, severity, severity_text, event_name, body,
            attributes, service, scope, received_ns, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut logs = 0;
    for row in &rows.logs {
        let (body, attributes) = (row.body.to_string(), json(&row.attributes));
        let digest = digest(&[&row.trace_id, &row.span_id, &row.event_name, &row.service, &body, &attributes]);
        logs += log.execute(params![
            row.time_ns,
            row.trace_id,
            row.span_id,
            row.severity,
            row.severity_text,
            row.event_name,
            body,
            attributes,
            row.service,
            row.scope,
            received,
            digest,
        ])?;
    }
    let mut point = connection.prepare_cached(
        "INSERT OR IGNORE INTO points (time_ns, start_ns, service, scope, name, unit, kind, attributes, value,
            received_ns, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut points = 0;
    for row in &rows.points {
        let (attributes, value) = (json(&row.attributes), row.value.to_string());
        let digest = digest(&[&row.service, &row.scope, &row.name, &attributes, &value, &row.start_ns.to_string()]);
        points += point.execute(params![
            row.time_ns,
            row.start_ns,
            row.service,
            row.scope,
            row.name,
            row.unit,
            row.kind,
            attributes,
            value,
            received,
            digest,
        ])?;
    }
    Ok(Stored { spans: rows.spans.len() as u64, logs: logs as u64, points: points as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otlp::SpanRow;

    fn spans(trace: usize, count: usize) -> Rows {
        let span = |n: usize| SpanRow {
            trace_id: format!("{trace:032x}"),
            span_id: format!("{n:016x}"),
            name: "execute_tool lookup".into(),
            start_ns: now_ns() - 1_000,
            end_ns: now_ns(),
            attributes: serde_json::Map::new(),
            resource: "{}".into(),
            ..SpanRow::default()
        };
        Rows { spans: (1..=count).map(span).collect(), ..Rows::default() }
    }

    #[tokio::test]
    async fn a_write_beyond_what_may_wait_is_answered_busy_and_counted() {
        let options =
            WriterOptions { path: None, retention: Duration::from_secs(3600), max_size: u64::MAX, max_pending: 10 };
        let writer = Writer::start(options).unwrap();
        // The first write is taken whatever its size; while it waits, the next is over.
        let (first, second) = tokio::join!(writer.write(spans(1, 5_000)), writer.write(spans(2, 5)));
        assert_eq!(first.unwrap().spans, 5_000);
        assert!(matches!(second, Err(StoreError::Busy { pending: 5_000 })), "{second:?}");
        assert_eq!(writer.totals.refused_busy.load(Ordering::Relaxed), 1);
        // Once it is written, there is room again.
        assert_eq!(writer.write(spans(2, 5)).await.unwrap().spans, 5);
    }
}
