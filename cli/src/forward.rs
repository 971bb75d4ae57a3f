//! `serve --forward URL`: everything stored is also sent on, over OTLP/HTTP protobuf, to
//! another collector, so that `serve` can sit in front of a production pipeline.
//!
//! Forwarding never holds up the exporters: stored requests wait in a bounded queue and one
//! task sends them in order. A collector that is down is reported once, and again when it
//! takes data; a request it cannot take now is retried with backoff (5 attempts over about
//! 4 s) and then given up, one it refuses (a 4xx) is given up at once, and everything given
//! up or dropped because the queue was full is counted, said, and still in the local store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

/// Requests waiting to be forwarded, at most.
const QUEUE: usize = 4096;
/// Attempts per request before it is given up.
const ATTEMPTS: u32 = 5;

/// The signal's path on an OTLP/HTTP receiver.
#[derive(Debug, Clone, Copy)]
pub enum Path {
    Traces,
    Metrics,
    Logs,
}

impl Path {
    const ALL: [Path; 3] = [Path::Traces, Path::Metrics, Path::Logs];

    pub fn as_str(self) -> &'static str {
        match self {
            Path::Traces => "/v1/traces",
            Path::Metrics => "/v1/metrics",
            Path::Logs => "/v1/logs",
        }
    }

    /// The signal whose path `path` is.
    pub fn parse(path: &str) -> Option<Path> {
        Path::ALL.into_iter().find(|signal| signal.as_str() == path)
    }
}

/// How forwarding went.
#[derive(Debug, Default)]
pub struct Forwarded {
    pub sent: AtomicU64,
    pub dropped_queue_full: AtomicU64,
    pub given_up: AtomicU64,
    /// Stored after forwarding stopped (during shutdown): not forwarded.
    pub after_stop: AtomicU64,
}

/// The sending end: hands a stored request to the forwarding task.
pub struct Forwarder {
    /// `None` once finishing: as the store's writer, stopped through a shared reference.
    queue: Mutex<Option<tokio::sync::mpsc::Sender<(Path, Bytes)>>>,
    counts: Arc<Forwarded>,
    base: String,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    full_reported: std::sync::atomic::AtomicBool,
}

/// Checks `--forward`: an `http://` base URL.
pub fn check(url: &str) -> Result<String, String> {
    let base = url.trim_end_matches('/');
    match base.split_once("://") {
        Some(("http", rest)) if !rest.is_empty() => Ok(base.to_owned()),
        Some(("https", _)) => Err(format!(
            "--forward {url}: https is not supported; forward to a local OpenTelemetry Collector over http:// \
             (its OTLP/HTTP receiver, usually :4318) and let it send on over TLS"
        )),
        _ => Err(format!(
            "--forward {url}: expected the http:// base URL of an OTLP/HTTP receiver, e.g. http://collector:4318"
        )),
    }
}

impl Forwarder {
    pub fn start(base: String) -> Forwarder {
        let (queue, mut waiting) = tokio::sync::mpsc::channel::<(Path, Bytes)>(QUEUE);
        let counts = Arc::new(Forwarded::default());
        let shared = counts.clone();
        let target = base.clone();
        let task = tokio::spawn(async move {
            let client: Client<HttpConnector, Full<Bytes>> =
                Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
            let mut down = false;
            while let Some((path, body)) = waiting.recv().await {
                let url = format!("{target}{}", path.as_str());
                let mut delay = Duration::from_millis(250);
                for attempt in 1..=ATTEMPTS {
                    match send(&client, &url, body.clone()).await {
                        Ok(()) => {
                            shared.sent.fetch_add(1, Ordering::Relaxed);
                            if down {
                                eprintln!("otel-genai: forwarding to {target} works again");
                                down = false;
                            }
                            break;
                        }
                        Err((false, reason)) => {
                            eprintln!(
                                "otel-genai: {url} refuses forwarded data: {reason}; given up (it is stored here)"
                            );
                            shared.given_up.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Err((true, reason)) => {
                            if !down {
                                eprintln!(
                                    "otel-genai: cannot forward to {url}: {reason}; retrying (the data is stored here \
                                     either way); said again only when it works"
                                );
                                down = true;
                            }
                            if attempt == ATTEMPTS {
                                shared.given_up.fetch_add(1, Ordering::Relaxed);
                                break;
                            }
                            tokio::time::sleep(delay).await;
                            delay *= 2;
                        }
                    }
                }
            }
        });
        Forwarder {
            queue: Mutex::new(Some(queue)),
            counts,
            base,
            task: Mutex::new(Some(task)),
            full_reported: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Queues a stored request; when the queue is full it is dropped (and counted).
    pub fn forward(&self, path: Path, body: Bytes) {
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(queue) = queue.as_ref() else {
            self.counts.after_stop.fetch_add(1, Ordering::Relaxed);
            return;
        };
        if queue.try_send((path, body)).is_err() {
            self.counts.dropped_queue_full.fetch_add(1, Ordering::Relaxed);
            if !self.full_reported.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "otel-genai: forwarding to {} falls behind: {QUEUE} requests wait; newer ones are stored here but \
                     not forwarded (counted at the end)",
                    self.base
                );
            }
        }
    }

    /// Sends what waits (for at most `grace`) and says how forwarding went.
    pub async fn finish(&self, grace: Duration) -> String {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner).take();
        let task = self.task.lock().unwrap_or_else(PoisonError::into_inner).take();
        let left = match task {
            Some(task) => tokio::time::timeout(grace, task).await.is_err(),
            None => false,
        };
        let (counts, base) = (&self.counts, &self.base);
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let after_stop = match get(&counts.after_stop) {
            0 => String::new(),
            late => format!("; {late} stored after forwarding stopped, not forwarded"),
        };
        format!(
            "forwarded {} requests to {base}; {} given up after {ATTEMPTS} attempts, {} not queued (queue full){after_stop}{}",
            get(&counts.sent),
            get(&counts.given_up),
            get(&counts.dropped_queue_full),
            if left { "; stopped with requests still waiting" } else { "" }
        )
    }
}

/// One POST; on failure whether to try again, and why.
async fn send(client: &Client<HttpConnector, Full<Bytes>>, url: &str, body: Bytes) -> Result<(), (bool, String)> {
    let request = http::Request::post(url)
        .header("content-type", "application/x-protobuf")
        .body(Full::new(body))
        .map_err(|e| (false, e.to_string()))?;
    let response = match tokio::time::timeout(Duration::from_secs(10), client.request(request)).await {
        Err(_) => return Err((true, "no answer within 10s".to_owned())),
        Ok(Err(error)) => {
            let mut reason = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(inner) = source {
                reason = format!("{reason}: {inner}");
                source = inner.source();
            }
            return Err((true, reason));
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    let _ = response.into_body().collect().await;
    match status.as_u16() {
        200..=299 => Ok(()),
        429 | 502 | 503 | 504 => Err((true, format!("HTTP {status}"))),
        _ => Err((false, format!("HTTP {status}: the collector refuses the data"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_is_stored_after_forwarding_stopped_is_counted_and_said() {
        // Nothing listens on port 9 of loopback; nothing is queued before the stop anyway.
        let forwarder = Forwarder::start("http://127.0.0.1:9".to_owned());
        let said = forwarder.finish(Duration::from_millis(100)).await;
        assert!(!said.contains("after forwarding stopped"), "{said}");
        forwarder.forward(Path::Traces, Bytes::from_static(b"late"));
        assert_eq!(forwarder.counts.after_stop.load(Ordering::Relaxed), 1);
        let said = forwarder.finish(Duration::from_millis(100)).await;
        assert!(said.ends_with("; 1 stored after forwarding stopped, not forwarded"), "{said}");
    }
}
