//! An OTLP receiver on loopback: gRPC (the `opentelemetry-proto` services over tonic) and
//! HTTP with protobuf or JSON bodies, on one port (HTTP/1.1 and HTTP/2 both accepted). It
//! keeps every decoded request.
//!
//! `Receiver::start_stalled` accepts connections and never answers, as a collector that
//! hangs does. `Receiver::start_wrapped` runs each connection through a handshake first (see
//! `tls_receiver.rs`).

#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{LogsService, LogsServiceServer};
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::metrics::v1::ScopeMetrics;
use prost::Message as _;
use tokio::net::TcpListener;
use tonic::codegen::Service as _;

/// Everything received, decoded, in arrival order.
#[derive(Default, Clone)]
pub struct Received {
    pub traces: Vec<ExportTraceServiceRequest>,
    pub metrics: Vec<ExportMetricsServiceRequest>,
    pub logs: Vec<ExportLogsServiceRequest>,
    /// One entry per request: `grpc`, `http/protobuf` or `http/json`, and its path.
    pub requests: Vec<(&'static str, String)>,
    /// The headers of each request.
    pub headers: Vec<hyper::HeaderMap>,
    /// Why TLS handshakes failed.
    pub handshake_failures: Vec<String>,
}

/// The meter scope of the SDK's own health metrics (`otel.sdk.*`: what its processors took
/// and dropped), which OpenTelemetry's bound instruments turn on.
pub const SDK_SCOPE: &str = "otel.sdk";

impl Received {
    /// The header `name` of each request, if it had one that is text.
    pub fn header(&self, name: &str) -> Vec<Option<String>> {
        self.headers
            .iter()
            .map(|headers| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned))
            .collect()
    }

    /// The scopes of the metrics received, the SDK's own left out.
    pub fn scope_metrics(&self) -> impl Iterator<Item = &ScopeMetrics> {
        self.all_scope_metrics().filter(|scope| !is_sdk_scope(scope))
    }

    /// Checks that some of the SDK's own metrics arrived, and none but those README names.
    pub fn assert_sdk_metrics_documented(&self) {
        const DOCUMENTED: [&str; 4] = [
            "otel.sdk.log.created",
            "otel.sdk.processor.log.processed",
            "otel.sdk.processor.log.queue.capacity",
            "otel.sdk.processor.span.processed",
        ];
        let names: std::collections::BTreeSet<&str> = self
            .all_scope_metrics()
            .filter(|scope| is_sdk_scope(scope))
            .flat_map(|scope| scope.metrics.iter().map(|metric| metric.name.as_str()))
            .collect();
        assert!(!names.is_empty() && names.iter().all(|name| DOCUMENTED.contains(name)), "{names:?}");
    }

    fn all_scope_metrics(&self) -> impl Iterator<Item = &ScopeMetrics> {
        self.metrics.iter().flat_map(|request| request.resource_metrics.iter().flat_map(|rm| rm.scope_metrics.iter()))
    }
}

fn is_sdk_scope(scope: &ScopeMetrics) -> bool {
    scope.scope.as_ref().is_some_and(|scope| scope.name == SDK_SCOPE)
}

/// A connection after its handshake.
pub trait Connection: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Connection for T {}

/// Turns an accepted connection into one to serve, or says why the handshake failed.
pub type Wrap = Arc<
    dyn Fn(tokio::net::TcpStream) -> std::pin::Pin<Box<dyn Future<Output = Result<Box<dyn Connection>, String>> + Send>>
        + Send
        + Sync,
>;

#[derive(Clone, Default)]
struct Store(Arc<Mutex<Received>>);

pub struct Receiver {
    pub address: SocketAddr,
    scheme: &'static str,
    store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Receiver {
    /// A receiver on a free loopback port.
    pub async fn start() -> Receiver {
        Receiver::start_on(TcpListener::bind("127.0.0.1:0").await.unwrap(), false, None)
    }

    /// A receiver on `address` (a port chosen earlier, for a collector that comes up late).
    pub async fn start_at(address: SocketAddr) -> Receiver {
        Receiver::start_on(TcpListener::bind(address).await.unwrap(), false, None)
    }

    /// A receiver that accepts connections and never answers.
    pub async fn start_stalled() -> Receiver {
        Receiver::start_on(TcpListener::bind("127.0.0.1:0").await.unwrap(), true, None)
    }

    /// A receiver on a free loopback port whose connections go through `wrap` first (a TLS
    /// handshake, say); it answers at `scheme://127.0.0.1:PORT`.
    pub async fn start_wrapped(scheme: &'static str, wrap: Wrap) -> Receiver {
        let mut receiver = Receiver::start_on(TcpListener::bind("127.0.0.1:0").await.unwrap(), false, Some(wrap));
        receiver.scheme = scheme;
        receiver
    }

    fn start_on(listener: TcpListener, stalled: bool, wrap: Option<Wrap>) -> Receiver {
        let address = listener.local_addr().unwrap();
        let store = Store::default();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = store.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            loop {
                let stream = tokio::select! {
                    accepted = listener.accept() => match accepted { Ok((stream, _)) => stream, Err(_) => continue },
                    _ = &mut stopped => break,
                };
                if stalled {
                    open.push(stream);
                    continue;
                }
                let store = shared.clone();
                let wrap = wrap.clone();
                tokio::spawn(async move {
                    let service = {
                        let store = store.clone();
                        hyper::service::service_fn(move |request| answer(store.clone(), request))
                    };
                    let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let _ = match wrap {
                        None => http.serve_connection(TokioIo::new(stream), service).await,
                        Some(wrap) => match wrap(stream).await {
                            Ok(stream) => http.serve_connection(TokioIo::new(stream), service).await,
                            Err(error) => {
                                store.0.lock().unwrap().handshake_failures.push(error.to_string());
                                Ok(())
                            }
                        },
                    };
                });
            }
            drop(open);
        });
        Receiver { address, scheme: "http", store, stop: Some(stop) }
    }

    /// `http://127.0.0.1:PORT` (or the scheme `start_wrapped` was given).
    pub fn endpoint(&self) -> String {
        format!("{}://{}", self.scheme, self.address)
    }

    pub fn received(&self) -> Received {
        self.store.0.lock().unwrap().clone()
    }

    /// The failed handshakes, once there is one (or none after five seconds): the receiver
    /// records a failure on its own task, after the client has given up.
    pub async fn handshake_failures(&self) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let failures = self.received().handshake_failures;
            if !failures.is_empty() || tokio::time::Instant::now() >= deadline {
                return failures;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// How many spans have arrived.
    pub fn span_count(&self) -> usize {
        let received = self.store.0.lock().unwrap();
        received
            .traces
            .iter()
            .flat_map(|r| &r.resource_spans)
            .flat_map(|rs| &rs.scope_spans)
            .map(|s| s.spans.len())
            .sum()
    }

    /// Stops accepting connections (those already open finish).
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

type Body = http_body_util::combinators::UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

fn boxed<B>(body: B) -> Body
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    body.map_err(Into::into).boxed_unsync()
}

async fn answer(store: Store, request: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let content_type =
        request.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or("").to_owned();
    if content_type.starts_with("application/grpc") {
        store.record("grpc", &path, headers);
        let response = if path.starts_with("/opentelemetry.proto.collector.trace.v1.") {
            TraceServiceServer::new(store).call(request).await
        } else if path.starts_with("/opentelemetry.proto.collector.metrics.v1.") {
            MetricsServiceServer::new(store).call(request).await
        } else if path.starts_with("/opentelemetry.proto.collector.logs.v1.") {
            LogsServiceServer::new(store).call(request).await
        } else {
            return Ok(status(StatusCode::NOT_FOUND, "no such service"));
        };
        return Ok(response.unwrap().map(boxed));
    }
    let json = content_type.starts_with("application/json");
    let protocol = if json { "http/json" } else { "http/protobuf" };
    store.record(protocol, &path, headers);
    let Ok(body) = request.into_body().collect().await.map(|body| body.to_bytes()) else {
        return Ok(status(StatusCode::BAD_REQUEST, "unreadable body"));
    };
    fn decode<T: prost::Message + Default + serde::de::DeserializeOwned>(json: bool, body: &[u8]) -> Option<T> {
        if json { serde_json::from_slice(body).ok() } else { T::decode(body).ok() }
    }
    let mut received = store.0.lock().unwrap();
    let reply = match path.as_str() {
        "/v1/traces" => decode(json, &body).map(|request| {
            received.traces.push(request);
            ExportTraceServiceResponse::default().encode_to_vec()
        }),
        "/v1/metrics" => decode(json, &body).map(|request| {
            received.metrics.push(request);
            ExportMetricsServiceResponse::default().encode_to_vec()
        }),
        "/v1/logs" => decode(json, &body).map(|request| {
            received.logs.push(request);
            ExportLogsServiceResponse::default().encode_to_vec()
        }),
        _ => return Ok(status(StatusCode::NOT_FOUND, "no such path")),
    };
    drop(received);
    let Some(reply) = reply else {
        return Ok(status(StatusCode::BAD_REQUEST, "the body is not an OTLP export request"));
    };
    let (content_type, reply) =
        if json { ("application/json", b"{}".to_vec()) } else { ("application/x-protobuf", reply) };
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header("content-type", content_type)
        .body(boxed(Full::new(Bytes::from(reply))))
        .unwrap())
}

fn status(code: StatusCode, message: &'static str) -> Response<Body> {
    Response::builder().status(code).body(boxed(Full::new(Bytes::from_static(message.as_bytes())))).unwrap()
}

impl Store {
    fn record(&self, protocol: &'static str, path: &str, headers: hyper::HeaderMap) {
        let mut received = self.0.lock().unwrap();
        received.requests.push((protocol, path.to_owned()));
        received.headers.push(headers);
    }
}

#[tonic::async_trait]
impl TraceService for Store {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.0.lock().unwrap().traces.push(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Store {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        self.0.lock().unwrap().metrics.push(request.into_inner());
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl LogsService for Store {
    async fn export(
        &self,
        request: tonic::Request<ExportLogsServiceRequest>,
    ) -> Result<tonic::Response<ExportLogsServiceResponse>, tonic::Status> {
        self.0.lock().unwrap().logs.push(request.into_inner());
        Ok(tonic::Response::new(ExportLogsServiceResponse::default()))
    }
}
