//! OTLP export of every signal, off the instrumented code's path.
//!
//! - The exporters run on a thread of their own with a small tokio runtime, so gRPC and HTTP
//!   work whether or not the application has a runtime, and whichever kind it has.
//! - The SDK's batch processors queue finished spans and events (bounded: what does not fit
//!   is dropped, never waited for); an instrumented call only hands its span over.
//! - A collector that is down is reported once, when the first export fails, and again when
//!   exports go through; the spans and events of failed exports are kept (up to
//!   [`HELD_LIMIT`] of each) and sent with the next export, so a collector that comes up
//!   later receives them. Metrics are cumulative: the next export carries them.
//! - At shutdown, what could not be delivered is counted and said.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full, Limited};
#[cfg(not(feature = "otlp-tls"))]
use hyper_util::client::legacy::connect::HttpConnector;
use opentelemetry::{Context, InstrumentationScope};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig, WithTonicConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::logs::{BatchLogProcessor, LogBatch, LogExporter, LogProcessor, SdkLogRecord};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, Temporality};
use opentelemetry_sdk::trace::{BatchSpanProcessor, Span, SpanData, SpanExporter, SpanProcessor};

use super::InitError;
use super::config::{Config, OtlpTarget, Protocol, Signal};
use crate::diagnostics::Diagnostics;

/// How many spans (and, separately, events) from failed exports are kept for the next one.
pub(crate) const HELD_LIMIT: usize = 2048;

/// How one signal's OTLP export has fared since `init`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportStatus {
    /// The signal.
    pub signal: Signal,
    /// Where it goes.
    pub endpoint: String,
    /// Spans or events handed to the exporter's queue (metric exports: attempted).
    pub produced: u64,
    /// Spans, metric exports or events the collector accepted.
    pub delivered: u64,
    /// Exports that failed.
    pub failed_exports: u64,
    /// Times the collector became unreachable (each reported once).
    pub outages: u64,
    /// Spans or events given up: beyond the held limit, rejected by the collector, or still
    /// undelivered at shutdown.
    pub dropped: u64,
    /// Spans or events held for the next export.
    pub held: u64,
    /// The last failure, if any.
    pub last_error: Option<String>,
}

/// The export thread, the exporters it drives, and their health.
pub(crate) struct Pipeline {
    runtime: ExportRuntime,
    spans: Option<Reporting<opentelemetry_otlp::SpanExporter, SpanData>>,
    metrics: Option<Reporting<opentelemetry_otlp::MetricExporter, ()>>,
    logs: Option<Reporting<opentelemetry_otlp::LogExporter, HeldRecord>>,
    health: Vec<Arc<Health>>,
    diagnostics: Diagnostics,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").field("status", &self.status()).finish_non_exhaustive()
    }
}

impl Pipeline {
    /// Starts the export thread and builds one exporter per target.
    pub(crate) fn start(
        targets: &[(Signal, OtlpTarget)],
        config: &Config,
        diagnostics: Diagnostics,
    ) -> Result<Pipeline, InitError> {
        #[cfg(not(feature = "otlp-tls"))]
        if let Some((signal, target)) = targets.iter().find(|(_, target)| target.endpoint.starts_with("https://")) {
            return Err(InitError::Exporter {
                signal: *signal,
                endpoint: target.endpoint.clone(),
                reason: "https:// endpoints need the `otlp-tls` feature of otel-genai (or send to a local \
                         OpenTelemetry Collector on http://localhost:4317 or :4318 that forwards over TLS)"
                    .to_owned(),
            });
        }
        let runtime = ExportRuntime::start().map_err(|error| InitError::Exporter {
            signal: targets[0].0,
            endpoint: targets[0].1.endpoint.clone(),
            reason: format!("cannot start the export thread: {error}"),
        })?;
        let handle = runtime.handle.clone();
        let _entered = handle.enter();
        let mut pipeline =
            Pipeline { runtime, spans: None, metrics: None, logs: None, health: Vec::new(), diagnostics };
        for (signal, target) in targets {
            let health = Arc::new(Health::new(*signal, target, pipeline.diagnostics.clone()));
            let headers = header_map(*signal, target)?;
            #[cfg(feature = "otlp-tls")]
            let tls = super::tls::Tls::load(*signal, target)?;
            #[cfg(feature = "otlp-tls")]
            let (grpc_tls, connector) =
                (GrpcTls(tls.as_ref().map(super::tls::Tls::grpc)), || super::tls::connector(tls.as_ref()));
            #[cfg(not(feature = "otlp-tls"))]
            let (grpc_tls, connector) = (GrpcTls::default(), HttpConnector::new);
            let client = || HyperClient::new(&handle, target.timeout, health.clone(), connector(), headers.clone());
            let build_error = |error: opentelemetry_otlp::ExporterBuildError| InitError::Exporter {
                signal: *signal,
                endpoint: target.endpoint.clone(),
                reason: error.to_string(),
            };
            match signal {
                Signal::Traces => {
                    let builder = opentelemetry_otlp::SpanExporter::builder();
                    let exporter = match target.protocol {
                        Protocol::Grpc => over_grpc(builder.with_tonic(), target, &headers, grpc_tls.clone()).build(),
                        _ => over_http(builder.with_http(), target, client()).build(),
                    };
                    pipeline.spans = Some(Reporting::new(exporter.map_err(build_error)?, health.clone()));
                }
                Signal::Metrics => {
                    let builder = opentelemetry_otlp::MetricExporter::builder();
                    let exporter = match target.protocol {
                        Protocol::Grpc => over_grpc(builder.with_tonic(), target, &headers, grpc_tls.clone())
                            .with_temporality(config.temporality)
                            .build(),
                        _ => over_http(builder.with_http(), target, client())
                            .with_temporality(config.temporality)
                            .build(),
                    };
                    pipeline.metrics = Some(Reporting::new(exporter.map_err(build_error)?, health.clone()));
                }
                Signal::Logs => {
                    let builder = opentelemetry_otlp::LogExporter::builder();
                    let exporter = match target.protocol {
                        Protocol::Grpc => over_grpc(builder.with_tonic(), target, &headers, grpc_tls.clone()).build(),
                        _ => over_http(builder.with_http(), target, client()).build(),
                    };
                    pipeline.logs = Some(Reporting::new(exporter.map_err(build_error)?, health.clone()));
                }
            }
            pipeline.health.push(health);
        }
        if config.announce {
            pipeline.announce(targets);
        }
        Ok(pipeline)
    }

    /// Says once where each signal goes: `exporting traces, metrics and logs over OTLP
    /// (grpc) to http://localhost:4317`.
    fn announce(&self, targets: &[(Signal, OtlpTarget)]) {
        let mut groups: Vec<(String, Protocol, Vec<Signal>)> = Vec::new();
        for (signal, target) in targets {
            let base = match target.protocol {
                Protocol::Grpc => target.endpoint.clone(),
                _ => target.endpoint.strip_suffix(signal.http_path()).unwrap_or(&target.endpoint).to_owned(),
            };
            match groups.iter_mut().find(|(endpoint, protocol, _)| *endpoint == base && *protocol == target.protocol) {
                Some((_, _, signals)) => signals.push(*signal),
                None => groups.push((base, target.protocol, vec![*signal])),
            }
        }
        for (endpoint, protocol, signals) in groups {
            let names: Vec<String> = signals.iter().map(Signal::to_string).collect();
            let names = match names.as_slice() {
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => continue,
            };
            self.diagnostics.say(&format!("exporting {names} over OTLP ({protocol}) to {endpoint}"));
        }
    }

    pub(crate) fn span_processor(&mut self) -> Option<Counted<BatchSpanProcessor>> {
        let exporter = self.spans.take()?;
        let health = exporter.health.clone();
        Some(Counted { inner: BatchSpanProcessor::builder(exporter).build(), health })
    }

    pub(crate) fn metric_reader(&mut self, interval: Duration) -> Option<PeriodicReader<impl PushMetricExporter>> {
        self.metrics.take().map(|exporter| PeriodicReader::builder(exporter).with_interval(interval).build())
    }

    pub(crate) fn log_processor(&mut self) -> Option<Counted<BatchLogProcessor>> {
        let exporter = self.logs.take()?;
        let health = exporter.health.clone();
        Some(Counted { inner: BatchLogProcessor::builder(exporter).build(), health })
    }

    pub(crate) fn status(&self) -> Vec<ExportStatus> {
        self.health.iter().map(|health| health.status()).collect()
    }

    /// After the providers shut down: says what was not delivered, and stops the thread.
    pub(crate) fn finish(self) {
        for health in &self.health {
            health.finish();
        }
        self.runtime.stop();
    }
}

/// How gRPC connects: TLS settings for an `https://` endpoint.
#[derive(Clone, Default)]
struct GrpcTls(#[cfg(feature = "otlp-tls")] Option<opentelemetry_otlp::tonic_types::transport::ClientTlsConfig>);

/// The connector of the OTLP/HTTP client.
#[cfg(feature = "otlp-tls")]
use super::tls::Connector;
#[cfg(not(feature = "otlp-tls"))]
type Connector = HttpConnector;

/// A gRPC exporter builder pointed at `target`, with its headers as metadata.
///
/// The headers are set by an interceptor, which runs after the exporter has added the ones
/// it reads from `OTEL_EXPORTER_OTLP_HEADERS` itself: the configured value of a header wins.
fn over_grpc<B: WithExportConfig + WithTonicConfig>(
    builder: B,
    target: &OtlpTarget,
    headers: &http::HeaderMap,
    tls: GrpcTls,
) -> B {
    use tonic::metadata::{KeyAndValueRef, MetadataMap};
    let metadata = MetadataMap::from_headers(headers.clone());
    let builder = builder
        .with_endpoint(&target.endpoint)
        .with_timeout(target.timeout)
        .with_retry_policy(no_retries())
        .with_interceptor(move |mut request: tonic::Request<()>| {
            for entry in metadata.iter() {
                match entry {
                    KeyAndValueRef::Ascii(key, value) => {
                        request.metadata_mut().insert(key.clone(), value.clone());
                    }
                    // A name ending in `-bin`: its value is sent as given (base64).
                    KeyAndValueRef::Binary(key, value) => {
                        request.metadata_mut().insert_bin(key.clone(), value.clone());
                    }
                }
            }
            Ok(request)
        });
    #[cfg(feature = "otlp-tls")]
    if let Some(tls) = tls.0 {
        return builder.with_tls_config(tls);
    }
    let _ = tls;
    builder
}

/// An HTTP exporter builder pointed at `target`, sending through `client` (which sets the
/// headers, over any the exporter read from `OTEL_EXPORTER_OTLP_HEADERS` itself).
fn over_http<B: WithExportConfig + WithHttpConfig>(builder: B, target: &OtlpTarget, client: HyperClient) -> B {
    let protocol = match target.protocol {
        Protocol::HttpJson => opentelemetry_otlp::Protocol::HttpJson,
        _ => opentelemetry_otlp::Protocol::HttpBinary,
    };
    builder
        .with_endpoint(&target.endpoint)
        .with_protocol(protocol)
        .with_timeout(target.timeout)
        .with_retry_policy(no_retries())
        .with_http_client(client)
}

/// One export, one attempt: a failed export's items are kept and sent again with the next
/// export ([`Reporting`]), which also spans an outage longer than one export. The SDK's own
/// retries would stack on top of that, holding the export thread in backoff meanwhile.
fn no_retries() -> opentelemetry_otlp::RetryPolicy {
    opentelemetry_otlp::RetryPolicy::disabled()
}

/// The target's headers, checked: a name or value HTTP does not allow is an error naming
/// the variable they come from.
fn header_map(signal: Signal, target: &OtlpTarget) -> Result<http::HeaderMap, InitError> {
    let mut map = http::HeaderMap::new();
    for (name, value) in &target.headers {
        let invalid = || InitError::Invalid {
            variable: format!(
                "OTEL_EXPORTER_OTLP_{}_HEADERS or OTEL_EXPORTER_OTLP_HEADERS",
                signal.to_string().to_uppercase()
            ),
            value: format!("{name}={value}"),
            accepted: "header names and values HTTP allows",
        };
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = http::HeaderValue::from_str(value).map_err(|_| invalid())?;
        map.insert(name, value);
    }
    Ok(map)
}

/// A current-thread tokio runtime on a thread of its own, driving the exporters' I/O.
struct ExportRuntime {
    handle: tokio::runtime::Handle,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl ExportRuntime {
    fn start() -> std::io::Result<ExportRuntime> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("otel-genai-export".to_owned()).spawn(move || {
            runtime.block_on(async {
                let _ = stopped.await;
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
        })?;
        Ok(ExportRuntime { handle, stop, thread })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// OTLP/HTTP requests over hyper, run on the export thread's runtime whatever thread asks.
struct HyperClient {
    client: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
    handle: tokio::runtime::Handle,
    timeout: Duration,
    health: Arc<Health>,
    /// The configured headers: set on every request, replacing any of the same name.
    headers: http::HeaderMap,
}

impl std::fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperClient").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

/// The largest response body read (the OTLP response is a few bytes).
const MAX_RESPONSE: usize = 4 * 1024 * 1024;

impl HyperClient {
    fn new(
        handle: &tokio::runtime::Handle,
        timeout: Duration,
        health: Arc<Health>,
        connector: Connector,
        headers: http::HeaderMap,
    ) -> HyperClient {
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        HyperClient { client, handle: handle.clone(), timeout, health, headers }
    }
}

#[async_trait::async_trait]
impl HttpClient for HyperClient {
    async fn send_bytes(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        let client = self.client.clone();
        let timeout = self.timeout;
        let exchange = async move {
            let response = client.request(request.map(Full::new)).await?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_RESPONSE).collect().await.map_err(|error| {
                // The exporter knows this one by its type: a reply too large is not retried.
                if error.is::<http_body_util::LengthLimitError>() {
                    Box::new(opentelemetry_http::ResponseBodyTooLarge::new()) as HttpError
                } else {
                    error
                }
            })?;
            let body = body.to_bytes();
            Ok::<_, HttpError>(Response::from_parts(parts, body))
        };
        let result = match self.handle.spawn(async move { tokio::time::timeout(timeout, exchange).await }).await {
            Ok(Ok(result)) => result,
            Ok(Err(_elapsed)) => Err(format!("no answer within {timeout:?}").into()),
            Err(_) => Err("the export thread stopped".into()),
        };
        if let Err(error) = &result {
            // The exporter reports only "network error": keep the cause for the report.
            let mut cause = error.to_string();
            let mut source = error.source();
            while let Some(inner) = source {
                cause = format!("{cause}: {inner}");
                source = inner.source();
            }
            self.health.note_cause(cause);
        }
        result
    }
}

/// How one signal's export is going, and the one place that reports it.
#[derive(Debug)]
struct Health {
    signal: Signal,
    endpoint: String,
    diagnostics: Diagnostics,
    /// Spans or events ended or emitted (counted on the call path, so an atomic), or
    /// metric exports attempted.
    produced: AtomicU64,
    state: Mutex<HealthState>,
}

#[derive(Debug, Default)]
struct HealthState {
    delivered: u64,
    failed_exports: u64,
    outages: u64,
    dropped: u64,
    /// Of `dropped`, those the collector refused.
    refused: u64,
    held: u64,
    last_error: Option<String>,
    /// A transport failure's cause, noted by the HTTP client.
    cause: Option<String>,
    /// When the current outage began, and how many exports it failed.
    down: Option<(Instant, u64, u64)>,
}

impl Health {
    fn new(signal: Signal, target: &OtlpTarget, diagnostics: Diagnostics) -> Health {
        Health {
            signal,
            endpoint: target.endpoint.clone(),
            diagnostics,
            produced: AtomicU64::new(0),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, HealthState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn note_cause(&self, cause: String) {
        self.state().cause = Some(cause);
    }

    fn what(&self) -> &'static str {
        match self.signal {
            Signal::Traces => "spans",
            Signal::Metrics => "metric exports",
            Signal::Logs => "events",
        }
    }

    fn delivered(&self, items: u64) {
        let mut state = self.state();
        state.delivered += items;
        // What was held went with this export.
        state.held = 0;
        state.cause = None;
        if let Some((since, failures, dropped_before)) = state.down.take() {
            let dropped = state.dropped - dropped_before;
            drop(state);
            self.diagnostics.say(&format!(
                "{} reach {} again, after {failures} failed export{} over {:.1?}; {dropped} {} dropped meanwhile",
                self.signal,
                self.endpoint,
                if failures == 1 { "" } else { "s" },
                since.elapsed(),
                self.what(),
            ));
        }
    }

    /// A failed export: reported when it begins an outage, counted otherwise.
    fn failed(&self, error: &OTelSdkError, held: u64, dropped: u64, retryable: bool) {
        let mut state = self.state();
        let error = match (error, state.cause.take()) {
            (_, Some(cause)) => cause,
            (OTelSdkError::InternalFailure(message), None) => message.clone(),
            (other, None) => other.to_string(),
        };
        state.failed_exports += 1;
        state.held = held;
        state.dropped += dropped;
        state.last_error = Some(error.clone());
        if !retryable {
            state.refused += dropped;
            drop(state);
            self.diagnostics.say(&format!(
                "{} refused {} {}: {error}; dropped (a collector that refuses data will refuse it again)",
                self.endpoint,
                dropped,
                self.what()
            ));
            return;
        }
        match &mut state.down {
            Some((_, failures, _)) => *failures += 1,
            None => {
                state.outages += 1;
                let dropped_before = state.dropped - dropped;
                state.down = Some((Instant::now(), 1, dropped_before));
                drop(state);
                let keep = if self.signal == Signal::Metrics {
                    "the next export carries the totals".to_owned()
                } else {
                    format!("keeping up to {HELD_LIMIT} {} for the next export", self.what())
                };
                self.diagnostics.say(&format!(
                    "cannot export {} to {}: {error}; {keep}; said again only when it recovers",
                    self.signal, self.endpoint
                ));
            }
        }
    }

    fn status(&self) -> ExportStatus {
        let state = self.state();
        ExportStatus {
            signal: self.signal,
            endpoint: self.endpoint.clone(),
            produced: self.produced.load(Ordering::Relaxed),
            delivered: state.delivered,
            failed_exports: state.failed_exports,
            outages: state.outages,
            dropped: state.dropped,
            held: state.held,
            last_error: state.last_error.clone(),
        }
    }

    /// At shutdown: whatever was produced and not delivered is lost (held after failed
    /// exports, dropped from a full queue, or still queued when the timeout ran out). Count
    /// it and say so.
    fn finish(&self) {
        let mut state = self.state();
        let produced = self.produced.load(Ordering::Relaxed);
        state.held = 0;
        state.dropped = produced.saturating_sub(state.delivered).max(state.dropped);
        if state.dropped > 0 {
            let lost = state.dropped.saturating_sub(state.refused);
            let why = match (state.refused, lost) {
                (0, _) => "queue full, collector unreachable or slow".to_owned(),
                (_, 0) => "refused by the collector".to_owned(),
                (refused, lost) => {
                    format!(
                        "{refused} refused by the collector, {lost} to a full queue or an unreachable or slow collector"
                    )
                }
            };
            let message = format!(
                "{} of {produced} {} could not be delivered to {} ({why}; last error: {})",
                state.dropped,
                self.what(),
                self.endpoint,
                state.last_error.as_deref().unwrap_or("none"),
            );
            drop(state);
            self.diagnostics.say(&message);
        }
    }
}

/// Whether an export that failed this way may succeed later: the collector is down, slow or
/// busy (OTLP's retryable answers), not refusing the data.
fn retryable(error: &OTelSdkError) -> bool {
    match error {
        OTelSdkError::Timeout(_) => true,
        OTelSdkError::InternalFailure(message) => {
            const RETRYABLE: [&str; 11] = [
                "network error",
                // A gRPC status the client made up because the connection broke (whatever
                // its code), not one the collector sent.
                "transport error",
                "status code: 429",
                "status code: 502",
                "status code: 503",
                "status code: 504",
                "gRPC code: Unavailable",
                "gRPC code: DeadlineExceeded",
                "gRPC code: ResourceExhausted",
                "gRPC code: Cancelled",
                "gRPC code: Aborted",
            ];
            RETRYABLE.iter().any(|pattern| message.contains(pattern))
        }
        _ => false,
    }
}

/// An exporter that reports its failures through [`Health`] and keeps the items of failed
/// exports (up to [`HELD_LIMIT`]) for the next one.
struct Reporting<E, T> {
    inner: E,
    health: Arc<Health>,
    held: Mutex<VecDeque<T>>,
}

impl<E: std::fmt::Debug, T> std::fmt::Debug for Reporting<E, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporting").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl<E, T: Clone> Reporting<E, T> {
    fn new(inner: E, health: Arc<Health>) -> Self {
        Reporting { inner, health, held: Mutex::new(VecDeque::new()) }
    }

    /// The held items followed by `fresh`, oldest first.
    fn with_held(&self, fresh: impl IntoIterator<Item = T>) -> Vec<T> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let mut items: Vec<T> = held.drain(..).collect();
        items.extend(fresh);
        items
    }

    /// Records the outcome of exporting `items`; on a retryable failure keeps them (the
    /// newest [`HELD_LIMIT`]).
    fn settle(&self, result: OTelSdkResult, items: Vec<T>) -> OTelSdkResult {
        let count = items.len() as u64;
        match &result {
            Ok(()) => self.health.delivered(count),
            Err(error) if retryable(error) => {
                let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
                held.extend(items);
                let excess = held.len().saturating_sub(HELD_LIMIT);
                held.drain(..excess);
                let now_held = held.len() as u64;
                drop(held);
                self.health.failed(error, now_held, excess as u64, true);
            }
            Err(error) => self.health.failed(error, 0, count, false),
        }
        result
    }
}

impl<E: SpanExporter> SpanExporter for Reporting<E, SpanData> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let items = self.with_held(batch);
        let result = self.inner.export(items.clone()).await;
        self.settle(result, items)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: PushMetricExporter> PushMetricExporter for Reporting<E, ()> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        self.health.produced.fetch_add(1, Ordering::Relaxed);
        let result = self.inner.export(metrics).await;
        // Metric exports are not held: with cumulative temporality the next one carries the
        // same totals. A failed export counts as one item.
        match &result {
            Ok(()) => self.health.delivered(1),
            Err(error) => {
                let retryable = retryable(error);
                self.health.failed(error, 0, u64::from(!retryable), retryable);
            }
        }
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}

/// An event kept for the next export, with its scope.
#[derive(Clone)]
struct HeldRecord(SdkLogRecord, InstrumentationScope);

impl<E: LogExporter> LogExporter for Reporting<E, HeldRecord> {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let items = self.with_held(batch.iter().map(|(record, scope)| HeldRecord(record.clone(), scope.clone())));
        let borrowed: Vec<(&SdkLogRecord, &InstrumentationScope)> =
            items.iter().map(|HeldRecord(record, scope)| (record, scope)).collect();
        let result = self.inner.export(LogBatch::new(&borrowed)).await;
        drop(borrowed);
        self.settle(result, items)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// A batch processor that counts what it is handed, so that what never reached the exporter
/// (a full queue) is known at shutdown.
#[derive(Debug)]
pub(crate) struct Counted<P> {
    inner: P,
    health: Arc<Health>,
}

impl<P: SpanProcessor> SpanProcessor for Counted<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, span: SpanData) {
        if span.span_context.is_sampled() {
            self.health.produced.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

impl<P: LogProcessor> LogProcessor for Counted<P> {
    fn emit(&self, record: &mut SdkLogRecord, scope: &InstrumentationScope) {
        self.health.produced.fetch_add(1, Ordering::Relaxed);
        self.inner.emit(record, scope);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

#[cfg(all(test, not(feature = "otlp-tls")))]
mod tests {
    use crate::init::Config;

    #[test]
    fn an_https_endpoint_needs_the_tls_feature() {
        let config = Config::default().otlp_endpoint("https://cloud.langfuse.com/api/public/otel");
        let error = crate::init_with_diagnostics(config, std::io::sink()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot export traces to https://cloud.langfuse.com/api/public/otel/v1/traces: https:// endpoints need \
             the `otlp-tls` feature of otel-genai (or send to a local OpenTelemetry Collector on \
             http://localhost:4317 or :4318 that forwards over TLS)"
        );
    }
}
