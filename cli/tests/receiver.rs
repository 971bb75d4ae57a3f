//! What `otel-genai serve` answers at the edges: a malformed request gets the protocol's
//! error and stores nothing; spans with bad ids are refused one by one; a full store answers
//! with the retryable status; JSON is taken as well as protobuf; `tail` prints what arrives;
//! the MCP server also speaks streamable HTTP.

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message as _;
use serde_json::{Value, json};
use support::otlp::{Grpc, Http, chat_span, now_ns, post, request};
use support::{EXE, Serve, run, scratch};

fn stored_spans(db: &std::path::Path) -> i64 {
    let connection = rusqlite::Connection::open(db).unwrap();
    connection.query_row("SELECT COUNT(*) FROM spans", [], |row| row.get(0)).unwrap()
}

/// `google.rpc.Status` as OTLP/HTTP sends it on errors.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_the_protocol_error_and_store_nothing() {
    let dir = scratch("malformed");
    let db = dir.join("t.db");
    let serve = Serve::start(&db, &[]);

    let (status, headers, body) =
        post(&serve.http, "/v1/traces", "application/x-protobuf", b"\xff\xff\xff garbage".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(headers["content-type"], "application/x-protobuf");
    let error = RpcStatus::decode(body).unwrap();
    assert_eq!(error.code, 3, "INVALID_ARGUMENT");
    assert!(error.message.starts_with("the body is not an OTLP/protobuf export request"), "{}", error.message);

    let (status, headers, body) =
        post(&serve.http, "/v1/logs", "application/json", b"{\"resourceLogs\": 7}".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(headers["content-type"], "application/json");
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["code"], 3);
    assert!(error["message"].as_str().unwrap().starts_with("the body is not an OTLP/JSON export request"));

    let (status, _, body) = post(&serve.http, "/v1/traces", "text/plain", b"hello".to_vec()).await;
    assert_eq!(status, 415);
    assert!(RpcStatus::decode(body).unwrap().message.contains("expected application/x-protobuf or application/json"));
    let (status, _, body) = post(&serve.http, "/v2/spans", "application/x-protobuf", Vec::new()).await;
    assert_eq!(status, 404);
    assert!(RpcStatus::decode(body).unwrap().message.contains("use /v1/traces, /v1/metrics or /v1/logs"));
    let mut http = Http::connect(&serve.http).await.unwrap();
    let (status, _, _) = http.send("GET", "/v1/traces", &[], Vec::new()).await.unwrap();
    assert_eq!(status, 405);

    // gRPC: a message that does not decode.
    let mut grpc = Grpc::connect(&serve.grpc).await.unwrap();
    let (code, message) = grpc.export_raw(b"\xff\xff\xff garbage").await.unwrap();
    assert_eq!(code, 3, "INVALID_ARGUMENT, not retryable: {message}");
    assert_eq!(stored_spans(&db), 0);

    // Spans with bad ids are refused one by one; the others are stored.
    let mut bad = chat_span(1, 1, None, now_ns());
    bad.trace_id = vec![0; 16];
    let good = chat_span(1, 2, None, now_ns());
    let (status, _, body) = http.traces(&request("edge", vec![bad, good])).await.unwrap();
    assert_eq!(status, 200);
    let answer = ExportTraceServiceResponse::decode(body).unwrap();
    let partial = answer.partial_success.unwrap();
    assert_eq!(partial.rejected_spans, 1);
    assert!(
        partial.error_message.contains("trace id must be 16 bytes and span id 8, not all zero"),
        "{}",
        partial.error_message
    );
    let (code, _) = grpc.traces(&request("edge", vec![chat_span(2, 1, None, now_ns())])).await.unwrap();
    assert_eq!(code, 0);
    assert_eq!(stored_spans(&db), 2);

    // Compressed, as the OpenTelemetry Collector's exporters send by default.
    let (code, message) = grpc.traces_gzip(&request("edge", vec![chat_span(3, 1, None, now_ns())])).await.unwrap();
    assert_eq!(code, 0, "{message}");
    let body = support::otlp::gzip(&request("edge", vec![chat_span(4, 1, None, now_ns())]).encode_to_vec());
    let headers = [("content-type", "application/x-protobuf"), ("content-encoding", "gzip")];
    let (status, _, _) = http.send("POST", "/v1/traces", &headers, body).await.unwrap();
    assert_eq!(status, 200);
    let (status, _, body) = http.send("POST", "/v1/traces", &headers, b"not gzip".to_vec()).await.unwrap();
    assert_eq!(status, 400);
    assert!(RpcStatus::decode(body).unwrap().message.starts_with("the body is not valid gzip"));
    let brotli = [("content-type", "application/x-protobuf"), ("content-encoding", "br")];
    let (status, _, _) = http.send("POST", "/v1/traces", &brotli, Vec::new()).await.unwrap();
    assert_eq!(status, 415);
    assert_eq!(stored_spans(&db), 4);

    // OTLP/JSON in, JSON out; the span reads back like any other.
    let json_request = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "json-client"}}]},
        "scopeSpans": [{"scope": {"name": "by-hand"}, "spans": [{
            "traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": "eee19b7ec3c1b174",
            "name": "execute_tool lookup",
            "kind": 1,
            "startTimeUnixNano": (now_ns() - 5_000_000).to_string(),
            "endTimeUnixNano": now_ns().to_string(),
            "attributes": [
                {"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}},
                {"key": "gen_ai.tool.name", "value": {"stringValue": "lookup"}},
                {"key": "error.type", "value": {"stringValue": "timeout"}}
            ],
            "status": {"code": 2, "message": "took too long"}
        }]}]
    }]});
    let (status, headers, body) =
        post(&serve.http, "/v1/traces", "application/json", serde_json::to_vec(&json_request).unwrap()).await;
    assert_eq!((status, &headers["content-type"]), (200, &"application/json".parse::<http::HeaderValue>().unwrap()));
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({}), "no partialSuccess when all is taken");
    let (ok, tree, stderr) = run(&db, &["show", "5b8efff7"]);
    assert!(ok, "{stderr}");
    assert!(tree.starts_with("execute_tool lookup  ") && tree.contains("ERROR timeout: took too long"), "{tree}");

    // A root named `invoke_workflow nightly`, with no agent or tool in it, is found by its
    // whole name or by what follows the operation, not by a part of either.
    let workflow = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "json-client"}}]},
        "scopeSpans": [{"scope": {"name": "by-hand"}, "spans": [{
            "traceId": "6c9f0008a9149214e37ac744924ed71d",
            "spanId": "fff2ac8fd4d2c285",
            "name": "invoke_workflow nightly",
            "kind": 1,
            "startTimeUnixNano": (now_ns() - 5_000_000).to_string(),
            "endTimeUnixNano": now_ns().to_string(),
            "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_workflow"}}]
        }]}]
    }]});
    let (status, _, _) =
        post(&serve.http, "/v1/traces", "application/json", serde_json::to_vec(&workflow).unwrap()).await;
    assert_eq!(status, 200);
    for (name, found) in
        [("nightly", true), ("invoke_workflow nightly", true), ("night", false), ("invoke_workflow", false)]
    {
        let (ok, listed, stderr) = run(&db, &["traces", "--name", name]);
        assert!(ok, "{stderr}");
        assert_eq!(listed.contains("6c9f0008a9149214e37ac744924ed71d"), found, "--name {name}: {listed}");
    }

    let said = serve.stop();
    assert!(said.last().unwrap().starts_with("otel-genai: stored 6 spans, 0 events and 0 metric points"), "{said:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_store_answers_retry_later_and_keeps_nothing_of_the_request() {
    let dir = scratch("full");
    let db = dir.join("t.db");
    let serve = Serve::start(&db, &["--max-size", "256KiB"]);
    let mut http = Http::connect(&serve.http).await.unwrap();
    let mut grpc = Grpc::connect(&serve.grpc).await.unwrap();

    // 2,000 spans with large attributes: far beyond 256 KiB in one request.
    let start = now_ns();
    let big: Vec<_> = (0..2000)
        .map(|i| {
            let mut span = chat_span(100 + i, i, None, start);
            span.attributes.push(support::otlp::string("app.note", &"x".repeat(400)));
            span
        })
        .collect();
    let (status, headers, body) = http.traces(&request("full", big.clone())).await.unwrap();
    assert_eq!(status, 503);
    assert_eq!(headers["retry-after"], "1");
    let error = RpcStatus::decode(body).unwrap();
    assert_eq!(error.code, 14, "UNAVAILABLE");
    assert!(
        error.message.contains("the store is full (its limit of 262144 bytes, --max-size, or the disk)"),
        "{}",
        error.message
    );
    let (code, message) = grpc.traces(&request("full", big)).await.unwrap();
    assert_eq!(code, 14, "{message}");
    assert_eq!(stored_spans(&db), 0, "nothing of a refused request is kept");

    // What fits is still taken.
    let (status, _, _) = http.traces(&request("full", vec![chat_span(1, 1, None, start)])).await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(stored_spans(&db), 1);
    let said = serve.stop();
    assert!(said.last().unwrap().contains("2 failed to store (retryable)"), "{said:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_prints_each_trace_when_its_root_arrives() {
    let dir = scratch("tail");
    let db = dir.join("t.db");
    let serve = Serve::start(&db, &[]);
    let mut http = Http::connect(&serve.http).await.unwrap();
    let start = now_ns();
    // One trace before tail starts: shown with --last 1.
    http.traces(&request("tailed", vec![chat_span(1, 1, None, start)])).await.unwrap();

    let mut tail = Command::new(EXE)
        .arg("--db")
        .arg(&db)
        .args(["tail", "--last", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = tail.stdout.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    let next = |what: &str| -> String {
        lines.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("tail printed no {what}"))
    };
    assert!(next("header").contains(" tailed  abababababababab"));
    assert!(next("tree").starts_with("chat gpt-4o  20.0ms  openai  tokens=12in/7out"));
    assert_eq!(next("blank"), "");

    // A child first (not printed: its root has not arrived), then the root.
    http.traces(&request("tailed", vec![chat_span(2, 2, Some(1), start + 1_000_000)])).await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(lines.try_recv().is_err(), "a trace without its root was printed");
    let mut root = chat_span(2, 1, None, start);
    root.name = "invoke_agent planner".to_owned();
    root.end_time_unix_nano = start + 50_000_000;
    http.traces(&request("tailed", vec![root])).await.unwrap();
    assert!(next("header").contains(" tailed  abababababababab0000000000000002"));
    assert!(next("root").starts_with("invoke_agent planner  50.0ms"));
    assert!(next("child").starts_with("└─ chat gpt-4o  20.0ms"));
    let _ = tail.kill();
    let _ = tail.wait();
    serve.stop();
}

/// Writes `request` and reads until `until` appears (or 10 s pass): what was read.
fn raw_exchange(address: &str, request: String, until: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut read = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !String::from_utf8_lossy(&read).contains(until) {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => read.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&read).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mcp_server_speaks_streamable_http_too() {
    let dir = scratch("mcp-http");
    let db = dir.join("t.db");
    let serve = Serve::start(&db, &[]);
    Http::connect(&serve.http)
        .await
        .unwrap()
        .traces(&request("mcp-http", vec![chat_span(9, 1, None, now_ns())]))
        .await
        .unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address = format!("127.0.0.1:{port}");
    let mut mcp = Command::new(EXE)
        .arg("--db")
        .arg(&db)
        .args(["mcp", "--http", &address])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(mcp.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), format!("otel-genai: MCP server at http://{address}/mcp"));

    // The answer is an event stream that stays open: read until the answer is in it.
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}})
    .to_string();
    let answer = raw_exchange(
        &address,
        format!(
            "POST /mcp HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
             accept: application/json, text/event-stream\r\ncontent-length: {}\r\n\r\n{initialize}",
            initialize.len()
        ),
        "\"name\":\"otel-genai\"",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("mcp-session-id:"), "{answer}");
    assert!(answer.contains("\"instructions\":\"Traces of GenAI code"), "{answer}");
    let answer = raw_exchange(
        &address,
        format!("POST /elsewhere HTTP/1.1\r\nhost: {address}\r\ncontent-length: 2\r\n\r\n{{}}"),
        "the MCP endpoint is /mcp",
    );
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let _ = mcp.kill();
    let _ = mcp.wait();
    serve.stop();
}

/// One span over HTTP to `address`, answered 200.
async fn send_one(address: &str) {
    let mut http = Http::connect(address).await.unwrap();
    let (status, _, _) = http.traces(&request("forwarded", vec![chat_span(1, 1, None, now_ns())])).await.unwrap();
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_sends_everything_stored_on_to_another_collector() {
    let dir = scratch("forward");
    let (front_db, back_db) = (dir.join("front.db"), dir.join("back.db"));
    let back = Serve::start(&back_db, &[]);
    let forward = format!("http://{}", back.http);
    let front = Serve::start(&front_db, &["--forward", &forward]);
    assert!(front.said.iter().any(|l| l.contains("forwarding everything stored to")), "{:?}", front.said);

    let mut grpc = Grpc::connect(&front.grpc).await.unwrap();
    let mut http = Http::connect(&front.http).await.unwrap();
    for n in 0..3 {
        let (code, message) = grpc.traces(&request("front", vec![chat_span(n, 1, None, now_ns())])).await.unwrap();
        assert_eq!(code, 0, "{message}");
    }
    let (status, _, _) = http.traces(&request("front", vec![chat_span(7, 1, None, now_ns())])).await.unwrap();
    assert_eq!(status, 200);
    let said = front.stop();
    assert!(
        said.last().unwrap().starts_with(&format!("otel-genai: forwarded 4 requests to {forward}; 0 given up")),
        "{said:?}"
    );
    assert_eq!(stored_spans(&front_db), 4);
    assert_eq!(stored_spans(&back_db), 4);
    let (_, front_list, _) = run(&front_db, &["traces", "--json"]);
    let (_, back_list, _) = run(&back_db, &["traces", "--json"]);
    assert_eq!(front_list, back_list);
    back.stop();

    // A collector that comes up late: retried until it takes the data, said once each way.
    let late = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let waiting = Serve::start(&dir.join("waiting.db"), &["--forward", &format!("http://{late}")]);
    send_one(&waiting.http).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let late_back = Serve::start(&dir.join("late.db"), &["--http", &late]);
    let said = waiting.stop();
    assert_eq!(said.iter().filter(|l| l.contains("cannot forward to")).count(), 1, "{said:?}");
    assert!(said.iter().any(|l| l.contains("Connection refused")), "{said:?}");
    assert!(said.iter().any(|l| l == &format!("otel-genai: forwarding to http://{late} works again")), "{said:?}");
    assert!(said.last().unwrap().starts_with("otel-genai: forwarded 1 requests to http://"), "{said:?}");
    assert!(said.last().unwrap().contains("; 0 given up"), "{said:?}");
    late_back.stop();
    assert_eq!(stored_spans(&dir.join("late.db")), 1);

    // A collector that never comes: given up after its five attempts, still stored here.
    let nowhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let lonely_db = dir.join("lonely.db");
    let lonely = Serve::start(&lonely_db, &["--forward", &format!("http://{nowhere}")]);
    send_one(&lonely.http).await;
    let said = lonely.stop();
    assert_eq!(said.iter().filter(|l| l.contains("cannot forward to")).count(), 1, "{said:?}");
    assert_eq!(
        said.last().unwrap(),
        &format!(
            "otel-genai: forwarded 0 requests to http://{nowhere}; 1 given up after 5 attempts, 0 not queued (queue full)"
        )
    );
    assert_eq!(stored_spans(&lonely_db), 1);

    // A collector that refuses (404 on that path): given up at once, not retried.
    let back = Serve::start(&dir.join("refusing-back.db"), &[]);
    let refused = Serve::start(&dir.join("refused.db"), &["--forward", &format!("http://{}/elsewhere", back.http)]);
    send_one(&refused.http).await;
    let said = refused.stop();
    assert!(said.iter().any(|l| l.contains("refuses forwarded data: HTTP 404")), "{said:?}");
    assert!(!said.iter().any(|l| l.contains("retrying")), "{said:?}");
    assert!(said.last().unwrap().contains("forwarded 0 requests") && said.last().unwrap().contains("; 1 given up"));
    back.stop();

    let (ok, _, stderr) = run(&dir.join("x.db"), &["serve", "--forward", "https://api.example.com"]);
    assert!(!ok);
    assert!(stderr.contains("--forward https://api.example.com: https is not supported"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_removes_what_is_too_old_and_the_oldest_when_too_big() {
    let dir = scratch("retention");
    let db = dir.join("t.db");

    // By age of arrival: what came more than 2 s ago is gone when serve starts again with a
    // 2 s retention, whatever times the spans carry; what comes after stays.
    let serve = Serve::start(&db, &[]);
    let mut http = Http::connect(&serve.http).await.unwrap();
    http.traces(&request("early", vec![chat_span(1, 1, None, now_ns())])).await.unwrap();
    serve.stop();
    assert_eq!(stored_spans(&db), 1);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let serve = Serve::start(&db, &["--retention", "2s"]);
    let mut http = Http::connect(&serve.http).await.unwrap();
    // A sender whose clock is a day behind: kept, it arrived just now.
    http.traces(&request("late", vec![chat_span(2, 1, None, now_ns() - 86_400_000_000_000)])).await.unwrap();
    let (_, listed, _) = run(&db, &["traces", "--json"]);
    let services: Vec<Value> =
        listed.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["service"].clone()).collect();
    assert_eq!(services, [json!("late")]);
    serve.stop();

    // By size: with 1 MiB at most, the oldest traces make room for the new ones.
    let db = dir.join("small.db");
    let serve = Serve::start(&db, &["--max-size", "1MiB"]);
    let mut http = Http::connect(&serve.http).await.unwrap();
    let start = now_ns();
    for batch in 0..40_u64 {
        let spans = (0..50)
            .map(|i| {
                let mut span = chat_span(1000 + batch, i, (i > 0).then_some(0), start + batch * 1_000_000);
                span.attributes.push(support::otlp::string("app.note", &"y".repeat(200)));
                span
            })
            .collect();
        let (status, _, _) = http.traces(&request("big", spans)).await.unwrap();
        assert_eq!(status, 200, "batch {batch}");
    }
    let said = serve.stop();
    let connection = rusqlite::Connection::open(&db).unwrap();
    let used: i64 = connection
        .query_row("SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size", [], |r| r.get(0))
        .unwrap();
    // Eviction runs when the data passes 90% of the limit and brings it under 80%.
    assert!(used <= 1024 * 1024 / 10 * 9, "{used} bytes used");
    let (oldest, newest): (String, String) = connection
        .query_row("SELECT MIN(trace_id), MAX(trace_id) FROM traces", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_ne!(
        oldest,
        support::otlp::trace_id(1000).iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "the oldest went"
    );
    assert_eq!(
        newest,
        support::otlp::trace_id(1039).iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "the newest stays"
    );
    let evicted: u64 = said
        .last()
        .unwrap()
        .split(" traces removed by retention")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(evicted > 0, "{said:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_keeps_nothing_on_disk() {
    let dir = scratch("memory");
    let db = dir.join("never.db");
    let serve = Serve::start(&db, &["--memory"]);
    assert!(serve.said.last().unwrap().contains("storing in memory (nothing is kept after exit)"), "{:?}", serve.said);
    let (status, _, _) = Http::connect(&serve.http)
        .await
        .unwrap()
        .traces(&request("ephemeral", vec![chat_span(1, 1, None, now_ns())]))
        .await
        .unwrap();
    assert_eq!(status, 200);
    let said = serve.stop();
    assert!(said.last().unwrap().starts_with("otel-genai: stored 1 spans"), "{said:?}");
    assert!(!db.exists());
    let (ok, _, stderr) = run(&db, &["traces"]);
    assert!(!ok);
    assert!(stderr.contains("there is no such file: `otel-genai serve` creates it when it starts"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sent_again_is_stored_once() {
    let dir = scratch("again");
    let db = dir.join("t.db");
    let serve = Serve::start(&db, &[]);
    let now = now_ns().to_string();
    let logs = json!({"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "again"}}]},
        "scopeLogs": [{"logRecords": [{
            "timeUnixNano": now, "eventName": "gen_ai.client.operation.exception", "severityNumber": 13,
            "attributes": [{"key": "exception.message", "value": {"stringValue": "rate limited"}}]
        }]}]
    }]});
    let metrics = json!({"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "again"}}]},
        "scopeMetrics": [{"metrics": [{"name": "gen_ai.client.token.usage", "unit": "{token}", "sum": {
            "aggregationTemporality": 2, "isMonotonic": true,
            "dataPoints": [{"timeUnixNano": now, "asInt": "42",
                "attributes": [{"key": "gen_ai.token.type", "value": {"stringValue": "input"}}]}]
        }}]}]
    }]});
    for _ in 0..2 {
        let (status, _, _) = post(&serve.http, "/v1/logs", "application/json", logs.to_string().into_bytes()).await;
        assert_eq!(status, 200);
        let (status, _, _) =
            post(&serve.http, "/v1/metrics", "application/json", metrics.to_string().into_bytes()).await;
        assert_eq!(status, 200);
    }
    let said = serve.stop();
    assert!(said.last().unwrap().starts_with("otel-genai: stored 0 spans, 1 events and 1 metric points"), "{said:?}");
    let connection = rusqlite::Connection::open(&db).unwrap();
    let count = |table: &str| -> i64 {
        connection.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    };
    assert_eq!((count("logs"), count("points")), (1, 1));
    let value: String = connection.query_row("SELECT value FROM points", [], |r| r.get(0)).unwrap();
    assert_eq!(value, "42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_is_shown_only_when_asked_whichever_instrumentation_wrote_it() {
    let dir = scratch("content");
    let db = dir.join("t.db");
    let serve = Serve::start(&db, &[]);
    let mut span = chat_span(1, 1, None, now_ns());
    for (key, value) in [
        ("gen_ai.retrieval.documents", "[{\"id\": \"doc-1\", \"content\": \"secret plans\"}]"),
        ("gen_ai.prompt.0.content", "What are the plans?"),
        ("llm.input_messages.0.message.content", "What are the plans?"),
        ("gen_ai.prompt.name", "plans-v2"),
    ] {
        span.attributes.push(support::otlp::string(key, value));
    }
    Http::connect(&serve.http).await.unwrap().traces(&request("content", vec![span])).await.unwrap();
    let (_, without, _) = run(&db, &["show", "abababab", "--attributes"]);
    assert!(!without.contains("plans?") && !without.contains("secret plans"), "{without}");
    assert!(without.contains("gen_ai.prompt.name = plans-v2"), "a prompt's name is not content: {without}");
    let (_, with, _) = run(&db, &["show", "abababab", "--attributes", "--content"]);
    for shown in
        ["gen_ai.retrieval.documents = ", "gen_ai.prompt.0.content = What are the plans?", "llm.input_messages.0"]
    {
        assert!(with.contains(shown), "{shown} in {with}");
    }
    serve.stop();
}
