//! One trace across an HTTP hop: a real hyper server and client on loopback, the client's
//! tool span the parent of the server's agent span through W3C `traceparent`.

use std::net::SocketAddr;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use opentelemetry::trace::{SpanKind, TraceContextExt as _};
use otel_genai::FutureContextExt as _;
use otel_genai::testing::Capture;
use otel_genai::{agent, tool};
use tokio::net::{TcpListener, TcpStream};

#[agent(name = "remote-researcher")]
async fn research(topic: String) -> String {
    format!("notes on {topic}")
}

/// The server's handler: continues the caller's trace.
async fn handle(server: &Capture, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let cx = server.in_scope(|| otel_genai::propagation::extract_headers(request.headers()));
    let remote_parent = cx.span().span_context().is_remote();
    let topic = String::from_utf8_lossy(&request.into_body().collect().await?.to_bytes()).into_owned();
    let notes = research(topic).in_context(cx).await;
    Ok(Response::new(Full::new(Bytes::from(format!("{notes} (remote parent: {remote_parent})")))))
}

async fn serve(listener: TcpListener, server: &'static Capture) {
    let (stream, _) = listener.accept().await.unwrap();
    let service = service_fn(move |request| handle(server, request));
    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await.unwrap();
}

#[tool(name = "research")]
async fn call_remote(address: SocketAddr, topic: &str) -> Result<String, hyper::Error> {
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request =
        Request::post(format!("http://{address}/research")).body(Full::new(Bytes::from(topic.to_owned()))).unwrap();
    otel_genai::propagation::inject_headers(request.headers_mut());
    let response = sender.send_request(request).await?;
    Ok(String::from_utf8_lossy(&response.into_body().collect().await?.to_bytes()).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_across_an_http_hop() {
    let server: &'static Capture = Box::leak(Box::new(Capture::new()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let serving = tokio::spawn(serve(listener, server));

    let client = Capture::new();
    let reply = client.scope(async { call_remote(address, "rust").await }).await.unwrap();
    assert_eq!(reply, "notes on rust (remote parent: true)");
    serving.await.unwrap();

    let client_spans = client.tree();
    let server_spans = server.tree();
    let caller = client_spans.root();
    let callee = server_spans.root();
    assert_eq!(caller.name(), "execute_tool research");
    assert_eq!(callee.name(), "invoke_agent remote-researcher");
    assert_eq!(callee.kind(), SpanKind::Internal);
    assert_eq!(callee.trace_id(), caller.trace_id(), "one trace");
    assert_eq!(callee.data().parent_span_id, caller.span_id(), "the caller's span is the parent");
    assert!(callee.data().parent_span_is_remote);
    assert_eq!(client_spans.len(), 1);
    assert_eq!(server_spans.len(), 1);
}

#[tokio::test]
async fn headers_without_trace_context_leave_the_context_alone() {
    let headers = http::HeaderMap::new();
    let cx = otel_genai::propagation::extract_headers(&headers);
    assert!(!cx.span().span_context().is_valid());

    // And with no span current, nothing is injected.
    let mut headers = http::HeaderMap::new();
    otel_genai::propagation::inject_headers(&mut headers);
    assert!(headers.get("traceparent").is_none());
}
