//! A collector that is down, comes up late, or hangs: instrumented calls go on, the outage is
//! reported once, what was held reaches the collector when it comes up, and shutdown keeps to
//! its timeout and says what was lost.

#[path = "support/otlp_receiver.rs"]
mod otlp_receiver;
#[path = "support/written.rs"]
mod written;

use std::time::{Duration, Instant};

use otel_genai::init::{Config, ExportStatus, Protocol, Signal};
use otel_genai::tool;
use otlp_receiver::Receiver;
use written::Written;

/// `init` installs global providers: one test at a time.
static GLOBAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Looks up a fact.
#[tool]
async fn lookup(n: u64) -> u64 {
    n * 2
}

fn free_port() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

fn traces(status: &[ExportStatus]) -> ExportStatus {
    status.iter().find(|s| s.signal == Signal::Traces).unwrap().clone()
}

async fn calls(n: u64) {
    for i in 0..n {
        assert_eq!(lookup(i).await, i * 2);
    }
}

async fn comes_up_later(protocol: Protocol) {
    let _one = GLOBAL.lock().await;
    let address = free_port();
    let diagnostics = Written::default();
    let config = Config::default()
        .service_name("down-then-up")
        .otlp_endpoint(format!("http://{address}"))
        .protocol(protocol)
        .timeout(Duration::from_secs(2))
        .exporters(Signal::Metrics, [])
        .exporters(Signal::Logs, []);
    let telemetry = otel_genai::init_with_diagnostics(config, diagnostics.clone()).unwrap();

    // Nothing listens: two exports fail, one outage is reported, the spans are held.
    for _ in 0..2 {
        calls(10).await;
        tokio::task::block_in_place(|| telemetry.flush());
    }
    let down = traces(&telemetry.export_status());
    assert_eq!((down.produced, down.delivered, down.held, down.dropped), (20, 0, 20, 0), "{down:?}");
    assert_eq!((down.outages, down.failed_exports), (1, 2), "{down:?}");
    assert!(down.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert_eq!(diagnostics.count("cannot export traces"), 1, "{:?}", diagnostics.lines());

    // The collector comes up: the held spans and the new ones arrive.
    let receiver = Receiver::start_at(address).await;
    calls(5).await;
    tokio::task::block_in_place(|| telemetry.flush());
    let up = traces(&telemetry.export_status());
    assert_eq!((up.produced, up.delivered, up.held, up.dropped, up.outages), (25, 25, 0, 0, 1), "{up:?}");
    assert_eq!(receiver.span_count(), 25);
    assert_eq!(diagnostics.count("traces reach"), 1, "{:?}", diagnostics.lines());
    assert_eq!(diagnostics.count("cannot export traces"), 1);

    tokio::task::block_in_place(|| telemetry.shutdown());
    assert_eq!(diagnostics.count("could not be delivered"), 0, "{:?}", diagnostics.lines());
    println!("{}", diagnostics.lines().join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_collector_that_comes_up_later_receives_the_held_spans() {
    comes_up_later(Protocol::Grpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_collector_that_comes_up_later_receives_the_held_spans() {
    comes_up_later(Protocol::HttpProtobuf).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_collector_blocks_neither_calls_nor_shutdown() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start_stalled().await;
    let diagnostics = Written::default();
    let config = Config::default()
        .service_name("hanging")
        .otlp_endpoint(receiver.endpoint())
        .protocol(Protocol::HttpProtobuf)
        .timeout(Duration::from_millis(300))
        .shutdown_timeout(Duration::from_secs(1))
        .exporters(Signal::Metrics, [])
        .exporters(Signal::Logs, []);
    let telemetry = otel_genai::init_with_diagnostics(config, diagnostics.clone()).unwrap();

    // Far more spans than the queue holds; every call completes.
    calls(10_000).await;
    let status = traces(&telemetry.export_status());
    assert_eq!((status.produced, status.delivered), (10_000, 0), "{status:?}");
    // Once the exports have timed out, what is kept for the collector stays within its bound.
    tokio::task::block_in_place(|| telemetry.flush());
    let status = traces(&telemetry.export_status());
    assert!(status.held > 0 && status.held <= 2048, "{status:?}");

    let started = Instant::now();
    tokio::task::block_in_place(|| telemetry.shutdown());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "shutdown took {took:?} with a 1 s timeout");
    let lost: Vec<String> =
        diagnostics.lines().into_iter().filter(|line| line.contains("could not be delivered")).collect();
    assert_eq!(lost.len(), 1, "{:?}", diagnostics.lines());
    assert!(lost[0].contains("10000 of 10000 spans could not be delivered"), "{}", lost[0]);
    assert_eq!(diagnostics.count("cannot export traces"), 1, "{:?}", diagnostics.lines());
    println!("shutdown took {took:?}\n{}", diagnostics.lines().join("\n"));
}

/// Exports traces over HTTP to `endpoint`, which refuses them: two batches (3 spans, then
/// 2), each refused, said and dropped, nothing held, no outage. Returns what was said.
async fn refused_twice(endpoint: String) -> Written {
    let diagnostics = Written::default();
    let config = Config::default()
        .signal_endpoint(Signal::Traces, endpoint)
        .protocol(Protocol::HttpProtobuf)
        .exporters(Signal::Metrics, [])
        .exporters(Signal::Logs, []);
    let telemetry = otel_genai::init_with_diagnostics(config, diagnostics.clone()).unwrap();
    calls(3).await;
    tokio::task::block_in_place(|| telemetry.flush());
    calls(2).await;
    tokio::task::block_in_place(|| telemetry.flush());
    let status = traces(&telemetry.export_status());
    assert_eq!((status.delivered, status.held, status.dropped, status.outages), (0, 0, 5, 0), "{status:?}");
    assert_eq!(diagnostics.count(" refused "), 2, "{:?}", diagnostics.lines());
    tokio::task::block_in_place(|| telemetry.shutdown());
    let last = diagnostics.lines().pop().unwrap();
    assert!(
        last.contains("5 of 5 spans could not be delivered") && last.contains("(refused by the collector;"),
        "{last}"
    );
    diagnostics
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_refuses_the_data_is_not_sent_it_again() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start().await;
    // The receiver answers 404 on this path: a refusal, not an outage.
    let said = refused_twice(format!("{}/v1/nowhere", receiver.endpoint())).await;
    assert_eq!(said.count("status code: 404"), 3, "two refusals and the summary: {:?}", said.lines());
    assert_eq!(receiver.received().requests.len(), 2, "each batch sent once");
}

/// Answers every request with `200 OK` and a body of `size` bytes; counts the requests.
fn answering_with(size: usize) -> (std::net::SocketAddr, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: {size}\r\nconnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&vec![0; size]);
        }
    });
    (address, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_too_large_to_read_is_a_refusal_not_an_outage() {
    let _one = GLOBAL.lock().await;
    // More than the 4 MiB an OTLP reply may have.
    let (address, requests) = answering_with(5 * 1024 * 1024);
    let said = refused_twice(format!("http://{address}/v1/traces")).await;
    assert_eq!(said.count("exceeded maximum allowed 4 MiB"), 3, "refused for its size: {:?}", said.lines());
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2, "each batch sent once");
}
