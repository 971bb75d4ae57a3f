//! OTLP requests built by hand, and a plain HTTP/1.1 and gRPC (HTTP/2) client to send them:
//! for the receiver's edge cases and the load test.

#![allow(dead_code)]

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message as _;

pub fn string(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.to_owned())) }),
        ..Default::default()
    }
}

pub fn int(key: &str, value: i64) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(any_value::Value::IntValue(value)) }),
        ..Default::default()
    }
}

/// A trace id from a number: unique per `n`.
pub fn trace_id(n: u64) -> Vec<u8> {
    let mut id = vec![0xab; 16];
    id[8..].copy_from_slice(&n.to_be_bytes());
    id
}

pub fn span_id(n: u64) -> Vec<u8> {
    (n + 1).to_be_bytes().to_vec()
}

/// A chat span (a root unless `parent` is given), started `start_ns`, lasting 20 ms.
pub fn chat_span(trace: u64, span: u64, parent: Option<u64>, start_ns: u64) -> Span {
    Span {
        trace_id: trace_id(trace),
        span_id: span_id(span),
        parent_span_id: parent.map(span_id).unwrap_or_default(),
        name: "chat gpt-4o".to_owned(),
        kind: 3,
        start_time_unix_nano: start_ns,
        end_time_unix_nano: start_ns + 20_000_000,
        attributes: vec![
            string("gen_ai.operation.name", "chat"),
            string("gen_ai.provider.name", "openai"),
            string("gen_ai.request.model", "gpt-4o"),
            int("gen_ai.usage.input_tokens", 12),
            int("gen_ai.usage.output_tokens", 7),
        ],
        status: Some(Status { code: 0, message: String::new() }),
        ..Default::default()
    }
}

/// One request with `spans`, from `service`.
pub fn request(service: &str, spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource { attributes: vec![string("service.name", service)], ..Default::default() }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope { name: "load".to_owned(), ..Default::default() }),
                spans,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

/// `bytes`, gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

/// An HTTP/1.1 connection kept open across requests.
pub struct Http {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    address: String,
}

/// What came back: status, headers, body.
pub type Answer = (u16, http::HeaderMap, Bytes);

impl Http {
    pub async fn connect(address: &str) -> std::io::Result<Http> {
        let stream = tokio::net::TcpStream::connect(address).await?;
        let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(connection);
        Ok(Http { sender, address: address.to_owned() })
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Answer, hyper::Error> {
        let mut request = http::Request::builder().method(method).uri(path).header("host", &self.address);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.sender.ready().await?;
        let response = self.sender.send_request(request.body(Full::new(Bytes::from(body))).unwrap()).await?;
        let (parts, body) = response.into_parts();
        Ok((parts.status.as_u16(), parts.headers, body.collect().await?.to_bytes()))
    }

    /// POSTs OTLP/protobuf traces.
    pub async fn traces(&mut self, request: &ExportTraceServiceRequest) -> Result<Answer, hyper::Error> {
        self.send("POST", "/v1/traces", &[("content-type", "application/x-protobuf")], request.encode_to_vec()).await
    }
}

/// One-off request on a new connection.
pub async fn post(address: &str, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let mut http = Http::connect(address).await.unwrap();
    http.send("POST", path, &[("content-type", content_type)], body).await.unwrap()
}

/// An HTTP/2 connection speaking gRPC, kept open across requests.
pub struct Grpc {
    sender: hyper::client::conn::http2::SendRequest<Full<Bytes>>,
    address: String,
}

impl Grpc {
    pub async fn connect(address: &str) -> std::io::Result<Grpc> {
        let stream = tokio::net::TcpStream::connect(address).await?;
        let (sender, connection) = hyper::client::conn::http2::handshake(
            hyper_util::rt::TokioExecutor::new(),
            hyper_util::rt::TokioIo::new(stream),
        )
        .await
        .map_err(std::io::Error::other)?;
        tokio::spawn(connection);
        Ok(Grpc { sender, address: address.to_owned() })
    }

    /// Calls `TraceService/Export` with `message` (raw bytes, framed here): the `grpc-status`
    /// and `grpc-message` the server ends with.
    pub async fn export_raw(&mut self, message: &[u8]) -> Result<(i32, String), hyper::Error> {
        self.export_framed(message, false).await
    }

    /// The same with the message gzip-compressed (`grpc-encoding: gzip`).
    pub async fn traces_gzip(&mut self, request: &ExportTraceServiceRequest) -> Result<(i32, String), hyper::Error> {
        self.export_framed(&gzip(&request.encode_to_vec()), true).await
    }

    async fn export_framed(&mut self, message: &[u8], compressed: bool) -> Result<(i32, String), hyper::Error> {
        let mut framed = Vec::with_capacity(message.len() + 5);
        framed.push(u8::from(compressed));
        framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
        framed.extend_from_slice(message);
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("http://{}/opentelemetry.proto.collector.trace.v1.TraceService/Export", self.address))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .header("grpc-encoding", if compressed { "gzip" } else { "identity" })
            .body(Full::new(Bytes::from(framed)))
            .unwrap();
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let collected = body.collect().await?;
        let trailers = collected.trailers().cloned().unwrap_or_default();
        let headers = if trailers.contains_key("grpc-status") { trailers } else { parts.headers };
        let status =
            headers.get("grpc-status").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(-1);
        let message = headers.get("grpc-message").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        Ok((status, message))
    }

    pub async fn traces(&mut self, request: &ExportTraceServiceRequest) -> Result<(i32, String), hyper::Error> {
        self.export_raw(&request.encode_to_vec()).await
    }
}
