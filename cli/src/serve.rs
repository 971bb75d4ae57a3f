//! `otel-genai serve`: an OTLP receiver — gRPC and HTTP (protobuf or JSON), every signal —
//! that answers each export only once what it carried is committed to the store.
//!
//! - A request the store cannot take now (its queue is full, or it is at its size limit) is
//!   answered with OTLP's retryable status: gRPC `UNAVAILABLE`, HTTP 503 with `Retry-After`.
//! - A request that cannot be decoded, or is too large, is answered with the protocol's
//!   error (gRPC `INVALID_ARGUMENT`, HTTP 400 or 413 with a `google.rpc.Status`) and nothing of
//!   it is stored.
//! - Spans with invalid ids are refused one by one through OTLP's partial success.
//! - Both listeners accept gRPC and HTTP alike (HTTP/1.1 and HTTP/2), so an exporter set to
//!   the wrong port still gets through.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{LogsService, LogsServiceServer};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::net::TcpListener;
use tonic::codegen::Service as _;

use crate::forward::{self, Forwarder};
use crate::otlp::{self, Rows};
use crate::store::{StoreError, Writer};

/// The largest request body taken, after decompression (the SDKs' batches are far smaller).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// gRPC requests may be gzip-compressed (the OpenTelemetry Collector's exporters compress by
/// default).
const GZIP: tonic::codec::CompressionEncoding = tonic::codec::CompressionEncoding::Gzip;

/// What the receiver hands each request to.
pub struct Ingest {
    pub writer: Writer,
    /// Where stored requests are sent on (`--forward`).
    pub forward: Option<Forwarder>,
}

/// One signal's export request: how it becomes rows, where it is forwarded, and the
/// response that says what was refused.
trait Export: prost::Message + Default + serde::de::DeserializeOwned + Send + Sync + 'static {
    type Response: prost::Message + serde::Serialize + Default;
    const PATH: forward::Path;
    fn rows(&self) -> Rows;
    /// The response when `rejected` items were refused (partial success).
    fn refused(rejected: i64, why: String) -> Self::Response;
}

impl Export for ExportTraceServiceRequest {
    type Response = ExportTraceServiceResponse;
    const PATH: forward::Path = forward::Path::Traces;
    fn rows(&self) -> Rows {
        otlp::spans(self)
    }
    fn refused(rejected_spans: i64, error_message: String) -> Self::Response {
        ExportTraceServiceResponse {
            partial_success: Some(ExportTracePartialSuccess { rejected_spans, error_message }),
        }
    }
}

impl Export for ExportMetricsServiceRequest {
    type Response = ExportMetricsServiceResponse;
    const PATH: forward::Path = forward::Path::Metrics;
    fn rows(&self) -> Rows {
        otlp::points(self)
    }
    fn refused(rejected_data_points: i64, error_message: String) -> Self::Response {
        ExportMetricsServiceResponse {
            partial_success: Some(ExportMetricsPartialSuccess { rejected_data_points, error_message }),
        }
    }
}

impl Export for ExportLogsServiceRequest {
    type Response = ExportLogsServiceResponse;
    const PATH: forward::Path = forward::Path::Logs;
    fn rows(&self) -> Rows {
        otlp::logs(self)
    }
    fn refused(rejected_log_records: i64, error_message: String) -> Self::Response {
        ExportLogsServiceResponse {
            partial_success: Some(ExportLogsPartialSuccess { rejected_log_records, error_message }),
        }
    }
}

impl Ingest {
    /// Stores `request`, then queues it for forwarding (as `encoded`, the protobuf bytes it
    /// arrived as, when it came so).
    async fn export<R: Export>(&self, request: &R, encoded: Option<Bytes>) -> Result<R::Response, StoreError> {
        let mut rows = request.rows();
        let (rejected, why) = (rows.rejected, rows.rejected_why.take());
        self.writer.write(rows).await?;
        if let Some(forwarder) = &self.forward {
            forwarder.forward(R::PATH, encoded.unwrap_or_else(|| request.encode_to_vec().into()));
        }
        Ok(if rejected == 0 {
            R::Response::default()
        } else {
            R::refused(i64::try_from(rejected).unwrap_or(i64::MAX), why.unwrap_or_default())
        })
    }
}

/// Binds a listener, saying what it is for (`what`) when the address is taken, and what may
/// hold it (`holder`).
pub async fn bind(address: &str, what: &str, holder: &str, flag: &str) -> Result<TcpListener, String> {
    TcpListener::bind(address).await.map_err(|error| {
        let hint = if error.kind() == std::io::ErrorKind::AddrInUse {
            format!(" (is {holder} running? choose another address with {flag})")
        } else {
            String::new()
        };
        format!("cannot listen on {address} for {what}: {error}{hint}")
    })
}

/// Serves `listener` until `stop` says so; connections still open then get `grace` to finish.
pub async fn run(
    listener: TcpListener,
    ingest: Arc<Ingest>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    grace: Duration,
) {
    let service = hyper::service::service_fn(move |request| answer(ingest.clone(), request));
    serve_connections(
        listener,
        async move {
            let _ = stop.changed().await;
        },
        grace,
        service,
    )
    .await;
}

/// Serves HTTP/1.1 and HTTP/2 connections on `listener` with `service` until `stop` is
/// ready; connections still open then get `grace` to finish. An accept that fails (out of
/// descriptors, say) is tried again shortly.
pub async fn serve_connections<S, B>(listener: TcpListener, stop: impl Future<Output = ()>, grace: Duration, service: S)
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(stream), service.clone())
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
}

type Body = http_body_util::combinators::UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

fn boxed<B>(body: B) -> Body
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    body.map_err(Into::into).boxed_unsync()
}

/// `google.rpc.Status`, the body of an OTLP/HTTP error.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

async fn answer(ingest: Arc<Ingest>, request: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path().to_owned();
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let content_type = header("content-type");
    if content_type.starts_with("application/grpc") {
        let grpc = Grpc(ingest);
        let response = if path.starts_with("/opentelemetry.proto.collector.trace.v1.TraceService/") {
            TraceServiceServer::new(grpc)
                .accept_compressed(GZIP)
                .max_decoding_message_size(MAX_BODY)
                .call(request)
                .await
        } else if path.starts_with("/opentelemetry.proto.collector.metrics.v1.MetricsService/") {
            MetricsServiceServer::new(grpc)
                .accept_compressed(GZIP)
                .max_decoding_message_size(MAX_BODY)
                .call(request)
                .await
        } else if path.starts_with("/opentelemetry.proto.collector.logs.v1.LogsService/") {
            LogsServiceServer::new(grpc).accept_compressed(GZIP).max_decoding_message_size(MAX_BODY).call(request).await
        } else {
            return Ok(tonic::Status::unimplemented(format!("no OTLP service at {path}"))
                .into_http::<Full<Bytes>>()
                .map(boxed));
        };
        let Ok(mut response) = response;
        not_retryable_when_malformed(response.headers_mut());
        return Ok(response.map(boxed));
    }
    let json = content_type.starts_with("application/json");
    let error = |code: StatusCode, grpc_code: tonic::Code, message: String| error(json, code, grpc_code, message);
    let Some(signal) = forward::Path::parse(&path) else {
        return Ok(error(
            StatusCode::NOT_FOUND,
            tonic::Code::NotFound,
            format!("no OTLP endpoint at {path}: use /v1/traces, /v1/metrics or /v1/logs"),
        ));
    };
    if request.method() != hyper::Method::POST {
        return Ok(error(
            StatusCode::METHOD_NOT_ALLOWED,
            tonic::Code::InvalidArgument,
            format!("{} {path}: OTLP/HTTP takes POST", request.method()),
        ));
    }
    if !json && !content_type.starts_with("application/x-protobuf") {
        return Ok(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            tonic::Code::InvalidArgument,
            format!("content-type {content_type:?}: expected application/x-protobuf or application/json"),
        ));
    }
    let encoding = header("content-encoding");
    let gzip = match encoding.as_str() {
        "" | "identity" => false,
        "gzip" => true,
        _ => {
            return Ok(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                tonic::Code::InvalidArgument,
                format!("content-encoding {encoding:?} is not supported: send gzip or uncompressed"),
            ));
        }
    };
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(reason) => {
            let too_large = reason.downcast_ref::<http_body_util::LengthLimitError>().is_some();
            return Ok(if too_large {
                error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    tonic::Code::InvalidArgument,
                    format!("the body is over {MAX_BODY} bytes: export smaller batches"),
                )
            } else {
                error(StatusCode::BAD_REQUEST, tonic::Code::InvalidArgument, format!("cannot read the body: {reason}"))
            });
        }
    };
    let body = if gzip {
        match gunzip(&body) {
            Ok(body) => body,
            Err(reason) => return Ok(error(StatusCode::BAD_REQUEST, tonic::Code::InvalidArgument, reason)),
        }
    } else {
        body
    };
    Ok(match signal {
        forward::Path::Traces => export_http::<ExportTraceServiceRequest>(&ingest, json, body).await,
        forward::Path::Metrics => export_http::<ExportMetricsServiceRequest>(&ingest, json, body).await,
        forward::Path::Logs => export_http::<ExportLogsServiceRequest>(&ingest, json, body).await,
    })
}

/// Decodes an OTLP/HTTP body, stores it, and answers in the request's encoding.
async fn export_http<R: Export>(ingest: &Ingest, json: bool, body: Bytes) -> Response<Body> {
    let decoded = if json {
        serde_json::from_slice::<R>(&body).map_err(|e| format!("the body is not an OTLP/JSON export request: {e}"))
    } else {
        R::decode(body.clone()).map_err(|e| format!("the body is not an OTLP/protobuf export request: {e}"))
    };
    let request = match decoded {
        Ok(request) => request,
        Err(reason) => return error(json, StatusCode::BAD_REQUEST, tonic::Code::InvalidArgument, reason),
    };
    // The encoded body is kept (across the store's write) only to be forwarded as it came.
    let encoded = (!json && ingest.forward.is_some()).then_some(body);
    match ingest.export(&request, encoded).await {
        Ok(response) => reply(json, &response),
        Err(store) => {
            let mut response =
                error(json, StatusCode::SERVICE_UNAVAILABLE, tonic::Code::Unavailable, format!("{store}; retry later"));
            response.headers_mut().insert("retry-after", http::HeaderValue::from_static("1"));
            response
        }
    }
}

/// tonic answers a message it cannot decode with `INTERNAL` and one over the size limit
/// with `OUT_OF_RANGE`, which OTLP exporters retry; neither will ever succeed, so both become
/// `INVALID_ARGUMENT`.
fn not_retryable_when_malformed(headers: &mut http::HeaderMap) {
    let status = headers.get("grpc-status").and_then(|v| v.to_str().ok()).unwrap_or("");
    let message = headers.get("grpc-message").and_then(|v| v.to_str().ok()).unwrap_or("");
    let malformed = (status == "13" && message.contains("decode")) || status == "11";
    if malformed {
        headers.insert("grpc-status", http::HeaderValue::from_static("3"));
    }
}

/// A gzip body, inflated up to [`MAX_BODY`] bytes.
fn gunzip(body: &[u8]) -> Result<Bytes, String> {
    use std::io::Read as _;
    let mut inflated = Vec::new();
    let limit = u64::try_from(MAX_BODY).unwrap_or(u64::MAX) + 1;
    flate2::read::GzDecoder::new(body)
        .take(limit)
        .read_to_end(&mut inflated)
        .map_err(|e| format!("the body is not valid gzip: {e}"))?;
    if inflated.len() > MAX_BODY {
        return Err(format!("the body inflates to over {MAX_BODY} bytes: export smaller batches"));
    }
    Ok(Bytes::from(inflated))
}

fn reply<T: prost::Message + serde::Serialize>(json: bool, message: &T) -> Response<Body> {
    let (content_type, bytes) = if json {
        // Fields left at their default are left out, as the OTLP/JSON encoding does.
        let mut value = serde_json::to_value(message).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            fields.retain(|_, field| !field.is_null());
        }
        ("application/json", serde_json::to_vec(&value).unwrap_or_else(|_| b"{}".to_vec()))
    } else {
        ("application/x-protobuf", prost::Message::encode_to_vec(message))
    };
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", content_type)
        .body(boxed(Full::new(Bytes::from(bytes))))
        .unwrap_or_else(|_| Response::new(boxed(Full::new(Bytes::new()))))
}

fn error(json: bool, status: StatusCode, code: tonic::Code, message: String) -> Response<Body> {
    let body = RpcStatus { code: code as i32, message };
    let mut response = reply(json, &body);
    *response.status_mut() = status;
    response
}

/// The gRPC services, over the same ingest.
#[derive(Clone)]
struct Grpc(Arc<Ingest>);

fn grpc_status(error: StoreError) -> tonic::Status {
    tonic::Status::unavailable(format!("{error}; retry later"))
}

#[tonic::async_trait]
impl TraceService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.0.export(request.get_ref(), None).await.map(tonic::Response::new).map_err(grpc_status)
    }
}

#[tonic::async_trait]
impl MetricsService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        self.0.export(request.get_ref(), None).await.map(tonic::Response::new).map_err(grpc_status)
    }
}

#[tonic::async_trait]
impl LogsService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportLogsServiceRequest>,
    ) -> Result<tonic::Response<ExportLogsServiceResponse>, tonic::Status> {
        self.0.export(request.get_ref(), None).await.map(tonic::Response::new).map_err(grpc_status)
    }
}

/// Progress while serving: a line every `every` when something was stored since the last.
pub async fn report_progress(
    totals: Arc<crate::store::Totals>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut last = (0, 0, 0);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        let now = (
            totals.spans.load(Ordering::Relaxed),
            totals.logs.load(Ordering::Relaxed),
            totals.points.load(Ordering::Relaxed),
        );
        if now != last {
            eprintln!(
                "otel-genai: stored {} spans, {} events, {} metric points in the last {}s ({} spans in all)",
                now.0 - last.0,
                now.1 - last.1,
                now.2 - last.2,
                every.as_secs(),
                now.0
            );
            last = now;
        }
    }
}
