//! `serve` under load: several exporters (half over gRPC, half over HTTP/protobuf) send
//! 2,400 spans/s into the file store for 30 s (`LOAD_SECONDS` to change it); halfway through,
//! `serve` is killed as a crash would and started again on the same ports. Every exporter
//! retries until its batch is acknowledged, as the SDKs do. At the end every acknowledged
//! span is in the store, no more and no less; the test reports the rate, the export latency
//! (p50, p99, max) and the most memory `serve` used.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use support::otlp::{Grpc, Http, chat_span, now_ns, request};
use support::{Serve, scratch};

const EXPORTERS: u64 = 8;
const SPANS_PER_BATCH: u64 = 60;
const BATCH_EVERY: Duration = Duration::from_millis(200);

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

enum Client {
    Http(Http),
    Grpc(Grpc),
}

/// One exporter: a batch (one trace: a root and its children) every `BATCH_EVERY`, each
/// sent until acknowledged. Returns the latency of each acknowledged export.
async fn exporter(
    n: u64,
    grpc: bool,
    addresses: (String, String),
    running: Arc<AtomicBool>,
    acknowledged: Arc<AtomicU64>,
    retries: Arc<AtomicU64>,
) -> Vec<Duration> {
    let address = if grpc { addresses.0 } else { addresses.1 };
    let mut client: Option<Client> = None;
    let mut latencies = Vec::new();
    let mut batch = 0_u64;
    let mut next = Instant::now();
    while running.load(Ordering::Relaxed) {
        tokio::time::sleep_until(next.into()).await;
        next += BATCH_EVERY;
        let trace = n * 1_000_000_000 + batch;
        let start = now_ns();
        let spans =
            (0..SPANS_PER_BATCH).map(|i| chat_span(trace, i, (i > 0).then_some(0), start + i * 1_000)).collect();
        let request = request(&format!("load-{n}"), spans);
        batch += 1;
        loop {
            if client.is_none() {
                client = if grpc {
                    Grpc::connect(&address).await.ok().map(Client::Grpc)
                } else {
                    Http::connect(&address).await.ok().map(Client::Http)
                };
            }
            let sent = Instant::now();
            let accepted = match client.as_mut() {
                Some(Client::Grpc(c)) => c.traces(&request).await.map(|(code, _)| code == 0),
                Some(Client::Http(c)) => c.traces(&request).await.map(|(status, _, _)| status == 200),
                None => Ok(false),
            };
            match accepted {
                Ok(true) => {
                    latencies.push(sent.elapsed());
                    acknowledged.fetch_add(SPANS_PER_BATCH, Ordering::Relaxed);
                    break;
                }
                Ok(false) => {}
                Err(_) => client = None,
            }
            retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    latencies
}

fn stored_spans(db: &Path) -> u64 {
    let connection = rusqlite::Connection::open(db).unwrap();
    connection.query_row("SELECT COUNT(*) FROM spans", [], |row| row.get::<_, i64>(0)).unwrap() as u64
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((p / 100.0 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_spans_a_second_through_a_crash_lose_nothing_acknowledged() {
    let seconds: u64 = std::env::var("LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let dir = scratch("load");
    let db = dir.join("traces.db");
    let serve = Serve::start(&db, &[]);
    let addresses = (serve.grpc.clone(), serve.http.clone());

    let running = Arc::new(AtomicBool::new(true));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let retries = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let exporters: Vec<_> = (0..EXPORTERS)
        .map(|n| {
            tokio::spawn(exporter(
                n,
                n % 2 == 0,
                addresses.clone(),
                running.clone(),
                acknowledged.clone(),
                retries.clone(),
            ))
        })
        .collect();

    // Memory of whichever serve is running, every 200 ms.
    let pid = Arc::new(AtomicU64::new(u64::from(serve.child.id())));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (pid, peak, running) = (pid.clone(), peak.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid.load(Ordering::Relaxed) as u32), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };

    // Halfway: a crash, and a restart on the same ports.
    tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
    let before_crash = acknowledged.load(Ordering::Relaxed);
    tokio::task::block_in_place(|| serve.kill());
    let crashed = Instant::now();
    let serve = tokio::task::block_in_place(|| Serve::start(&db, &["--grpc", &addresses.0, "--http", &addresses.1]));
    pid.store(u64::from(serve.child.id()), Ordering::Relaxed);
    let down_for = crashed.elapsed();
    assert!(stored_spans(&db) >= before_crash, "acknowledged spans were lost in the crash");
    tokio::time::sleep(Duration::from_secs(seconds - seconds / 2)).await;

    running.store(false, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for exporter in exporters {
        latencies.extend(exporter.await.unwrap());
    }
    let elapsed = started.elapsed();
    sampler.await.unwrap();
    let said = tokio::task::block_in_place(|| serve.stop());

    let acknowledged = acknowledged.load(Ordering::Relaxed);
    let stored = stored_spans(&db);
    latencies.sort();
    let rate = acknowledged as f64 / elapsed.as_secs_f64();
    let (p50, p99, max) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0), *latencies.last().unwrap());
    println!(
        "{EXPORTERS} exporters ({} gRPC, {} HTTP), {seconds} s: {acknowledged} spans acknowledged, {stored} stored, \
         {rate:.0} spans/s; export latency p50 {p50:?}, p99 {p99:?}, max {max:?} over {} exports; {} retries \
         (serve down for {down_for:?} after the crash, {before_crash} spans acknowledged before it); serve's peak \
         RSS {:.1} MiB\nserve said: {}",
        EXPORTERS / 2,
        EXPORTERS / 2,
        latencies.len(),
        retries.load(Ordering::Relaxed),
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
        said.join(" | ")
    );
    assert_eq!(stored, acknowledged, "count in = count stored");
    assert!(rate >= 2000.0, "{rate:.0} spans/s");
    let peak = peak.load(Ordering::Relaxed);
    assert!(peak > 0, "serve's memory was not measured (no /proc?)");
    assert!(peak < 256 * 1024, "serve used {peak} KiB");
    let _ = std::fs::remove_dir_all(dir);
}
