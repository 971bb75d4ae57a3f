//! `init_with` and OTLP export end to end: an instrumented agent (the real async-openai client
//! against a model server on loopback, a tool, a reasoning step, a failing call) exports to a
//! real OTLP receiver on loopback, over gRPC, HTTP/protobuf and HTTP/JSON; the test decodes
//! what arrived and checks the resource, scope, spans, metrics and events.
//!
//! The configuration is read through `Config::from_lookup` with the standard variable
//! names: the same parsing `init()` applies to the process environment.

#[path = "support/otlp_receiver.rs"]
mod otlp_receiver;
#[path = "support/written.rs"]
mod written;

use std::collections::BTreeMap;

use async_openai::types::chat::{ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs};
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::AggregationTemporality;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use otel_genai::init::Config;
use otel_genai::{agent, reasoning, tool};
use otel_genai_examples::ModelServer;
use otlp_receiver::{Received, Receiver};
use written::Written;

/// `init` installs global providers: one test at a time.
static GLOBAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(Debug)]
struct SearchError;

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the index is offline")
    }
}

impl std::error::Error for SearchError {}

impl otel_genai::ErrorType for SearchError {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        "index_offline".into()
    }
}

/// Searches the index.
#[tool]
async fn search(query: &str) -> Result<Vec<String>, SearchError> {
    if query == "offline" { Err(SearchError) } else { Ok(vec![format!("{query}: overview")]) }
}

fn ask(model: &str) -> async_openai::types::chat::CreateChatCompletionRequest {
    CreateChatCompletionRequestArgs::default()
        .model(model)
        .messages([ChatCompletionRequestUserMessage::from("Plan the research").into()])
        .temperature(0.5)
        .build()
        .unwrap()
}

#[agent(name = "e2e-researcher")]
async fn research(client: &otel_genai::openai::Client) -> usize {
    let plan = client.chat().create(ask("gpt-4o-mini")).await.unwrap();
    reasoning!("plan ready", app.plan.choices = plan.choices.len());
    let hits = search("tracing").await.unwrap();
    let _ = search("offline").await;
    // A model that answers 500: the call fails, the agent carries on.
    let _ = client.chat().create(ask("broken")).await;
    hits.len()
}

/// Runs the agent with telemetry configured by `vars`, shuts down, returns what arrived and
/// what `init` said.
async fn run_exporting(receiver: &Receiver, vars: &[(&str, String)]) -> (Received, String) {
    let server = ModelServer::start().await;
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let config = Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap();
    let said = Written::default();
    let telemetry = otel_genai::init_with_diagnostics(config, said.clone()).unwrap();
    assert_eq!(research(&server.client()).await, 1);
    tokio::task::spawn_blocking(move || telemetry.shutdown()).await.unwrap();
    (receiver.received(), said.text())
}

fn standard_vars(receiver: &Receiver, protocol: &str) -> Vec<(&'static str, String)> {
    vec![
        ("OTEL_SERVICE_NAME", "e2e-service".to_owned()),
        ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test,team=gen%20ai".to_owned()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
        ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Basic%20cGs6c2s%3D".to_owned()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "60000".to_owned()),
    ]
}

fn value(value: &Option<AnyValue>) -> Option<&Any> {
    value.as_ref().and_then(|value| value.value.as_ref())
}

fn find<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Any> {
    attributes.iter().find(|kv| kv.key == key).and_then(|kv| value(&kv.value))
}

fn string(s: &str) -> Any {
    Any::StringValue(s.to_owned())
}

/// Span names and how many of each arrived.
fn span_names(received: &Received) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for request in &received.traces {
        for span in request.resource_spans.iter().flat_map(|rs| rs.scope_spans.iter().flat_map(|s| s.spans.iter())) {
            *names.entry(span.name.clone()).or_insert(0) += 1;
        }
    }
    names
}

/// Each histogram's name, its points' count and their temporality, checking its unit and
/// bucket boundaries against the conventions.
fn histograms(received: &Received) -> BTreeMap<String, (u64, i32)> {
    let mut metrics = BTreeMap::new();
    for metric in received.scope_metrics().flat_map(|s| s.metrics.iter()) {
        let Some(Data::Histogram(histogram)) = &metric.data else { panic!("{} is not a histogram", metric.name) };
        let definition = otel_genai::conventions::metric(&metric.name).unwrap();
        assert_eq!(metric.unit, definition.unit, "{}", metric.name);
        let entry = metrics.entry(metric.name.clone()).or_insert((0, histogram.aggregation_temporality));
        assert_eq!(entry.1, histogram.aggregation_temporality, "{}", metric.name);
        for point in &histogram.data_points {
            assert_eq!(point.explicit_bounds, definition.buckets, "{}", metric.name);
            entry.0 += point.count;
        }
    }
    metrics
}

/// Checks everything that arrived and what `init` said; returns counts by name for the
/// summary.
fn check(received: &Received, said: &str, expect_protocol: &str, temporality: AggregationTemporality) -> String {
    // One line, on where everything goes; nothing failed.
    let announcement =
        format!("otel-genai: exporting traces, metrics and logs over OTLP ({expect_protocol}) to http://127.0.0.1:");
    assert!(said.starts_with(&announcement) && said.lines().count() == 1, "{said}");
    assert!(received.requests.iter().all(|(protocol, _)| *protocol == expect_protocol), "{:?}", received.requests);
    assert!(
        received.header("authorization").iter().all(|value| value.as_deref() == Some("Basic cGs6c2s=")),
        "headers: {:?}",
        received.header("authorization")
    );

    // Resource and scope, on every signal.
    let resources = received
        .traces
        .iter()
        .flat_map(|r| r.resource_spans.iter().map(|rs| &rs.resource))
        .chain(received.metrics.iter().flat_map(|r| r.resource_metrics.iter().map(|rm| &rm.resource)))
        .chain(received.logs.iter().flat_map(|r| r.resource_logs.iter().map(|rl| &rl.resource)));
    let mut resource_count = 0;
    for resource in resources {
        let attributes = &resource.as_ref().unwrap().attributes;
        assert_eq!(find(attributes, "service.name"), Some(&string("e2e-service")));
        assert_eq!(find(attributes, "deployment.environment.name"), Some(&string("test")));
        assert_eq!(find(attributes, "team"), Some(&string("gen ai")));
        assert_eq!(find(attributes, "telemetry.sdk.language"), Some(&string("rust")));
        resource_count += 1;
    }
    assert!(resource_count >= 3);
    let scopes = received
        .traces
        .iter()
        .flat_map(|r| r.resource_spans.iter().flat_map(|rs| rs.scope_spans.iter().map(|s| (&s.scope, &s.schema_url))))
        .chain(received.scope_metrics().map(|s| (&s.scope, &s.schema_url)))
        .chain(received.logs.iter().flat_map(|r| {
            r.resource_logs.iter().flat_map(|rl| rl.scope_logs.iter().map(|s| (&s.scope, &s.schema_url)))
        }));
    for (scope, schema_url) in scopes {
        let scope = scope.as_ref().unwrap();
        assert_eq!((scope.name.as_str(), scope.version.as_str()), ("otel-genai", env!("CARGO_PKG_VERSION")));
        assert_eq!(schema_url, otel_genai::SCHEMA_URL);
    }
    // Beside ours, only the SDK's own health metrics, those the README names.
    received.assert_sdk_metrics_documented();

    // Spans: names, parents, kinds, status, typed attributes.
    let spans: Vec<&Span> = received
        .traces
        .iter()
        .flat_map(|r| r.resource_spans.iter().flat_map(|rs| rs.scope_spans.iter().flat_map(|s| s.spans.iter())))
        .collect();
    let by_name = |name: &str| -> Vec<&Span> { spans.iter().copied().filter(|s| s.name == name).collect() };
    let agent = by_name("invoke_agent e2e-researcher");
    assert_eq!(agent.len(), 1, "{:#?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>());
    let agent = agent[0];
    assert!(agent.parent_span_id.is_empty());
    assert_eq!(agent.kind, SpanKind::Internal as i32);
    let chat = by_name("chat gpt-4o-mini")[0];
    let broken = by_name("chat broken")[0];
    let tools = by_name("execute_tool search");
    assert_eq!(tools.len(), 2);
    for child in [chat, broken, tools[0], tools[1]] {
        assert_eq!(child.parent_span_id, agent.span_id, "{}", child.name);
        assert_eq!(child.trace_id, agent.trace_id);
    }
    assert_eq!(spans.len(), 5);
    assert_eq!(chat.kind, SpanKind::Client as i32);
    assert_eq!(tools[0].kind, SpanKind::Internal as i32);
    assert_eq!(find(&chat.attributes, "gen_ai.operation.name"), Some(&string("chat")));
    assert_eq!(find(&chat.attributes, "gen_ai.usage.input_tokens"), Some(&Any::IntValue(120)));
    assert_eq!(find(&chat.attributes, "gen_ai.request.temperature"), Some(&Any::DoubleValue(0.5)));
    assert_eq!(find(&chat.attributes, "server.port").map(|v| matches!(v, Any::IntValue(_))), Some(true));
    let Some(Any::ArrayValue(reasons)) = find(&chat.attributes, "gen_ai.response.finish_reasons") else {
        panic!("finish reasons: {:?}", chat.attributes)
    };
    assert_eq!(
        reasons.values.iter().map(|v| value(&Some(v.clone())).cloned()).collect::<Vec<_>>(),
        [Some(string("stop"))]
    );
    assert!(matches!(find(&chat.attributes, "gen_ai.usage.cost"), Some(Any::DoubleValue(cost)) if *cost > 0.0));
    let status = chat.status.as_ref().map(|s| s.code).unwrap_or_default();
    assert_eq!(status, StatusCode::Unset as i32);
    let failed = broken.status.as_ref().unwrap();
    assert_eq!(failed.code, StatusCode::Error as i32);
    assert_eq!(find(&broken.attributes, "error.type"), Some(&string("5xx")));
    let offline = tools.iter().find(|t| t.status.as_ref().is_some_and(|s| s.code == StatusCode::Error as i32)).unwrap();
    assert_eq!(find(&offline.attributes, "error.type"), Some(&string("index_offline")));
    assert_eq!(agent.events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["plan ready"]);
    assert_eq!(find(&agent.events[0].attributes, "app.plan.choices"), Some(&Any::IntValue(1)));

    // Metrics: units, bucket boundaries from the conventions, temporality, counts.
    let metrics = histograms(received);
    assert!(metrics.values().all(|(_, t)| *t == temporality as i32), "{metrics:?}");
    let count = |name: &str| metrics.get(name).map(|(count, _)| *count);
    assert_eq!(count("gen_ai.client.operation.duration"), Some(2));
    assert_eq!(count("gen_ai.client.token.usage"), Some(2), "input and output of the one answered call");
    assert_eq!(count("gen_ai.execute_tool.duration"), Some(2));
    assert_eq!(count("gen_ai.invoke_agent.duration"), Some(1));

    // Events: the failed call's exception, as a log record about its span.
    let records: Vec<_> = received
        .logs
        .iter()
        .flat_map(|r| r.resource_logs.iter().flat_map(|rl| rl.scope_logs.iter().flat_map(|s| s.log_records.iter())))
        .collect();
    let exception = records.iter().find(|r| r.event_name == "gen_ai.client.operation.exception").unwrap();
    assert_eq!(
        (exception.span_id.as_slice(), exception.trace_id.as_slice()),
        (broken.span_id.as_slice(), broken.trace_id.as_slice())
    );
    assert_eq!(exception.severity_text, "WARN");
    assert_eq!(find(&exception.attributes, "error.type"), Some(&string("5xx")));

    let mut events = BTreeMap::new();
    for record in &records {
        *events.entry(record.event_name.clone()).or_insert(0) += 1;
    }
    let metrics: BTreeMap<&String, u64> = metrics.iter().map(|(name, (count, _))| (name, *count)).collect();
    format!("{expect_protocol}: spans {:?}; metric points {metrics:?}; events {events:?}", span_names(received))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_carries_every_signal() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start().await;
    let (received, said) = run_exporting(&receiver, &standard_vars(&receiver, "grpc")).await;
    println!("{}", check(&received, &said, "grpc", AggregationTemporality::Cumulative));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_carries_every_signal() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start().await;
    let (received, said) = run_exporting(&receiver, &standard_vars(&receiver, "http/protobuf")).await;
    let paths: Vec<&str> = received.requests.iter().map(|(_, path)| path.as_str()).collect();
    for path in ["/v1/traces", "/v1/metrics", "/v1/logs"] {
        assert!(paths.contains(&path), "{paths:?}");
    }
    println!("{}", check(&received, &said, "http/protobuf", AggregationTemporality::Cumulative));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_json_carries_every_signal_with_delta_metrics() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start().await;
    let mut vars = standard_vars(&receiver, "http/json");
    vars.push(("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta".to_owned()));
    let (received, said) = run_exporting(&receiver, &vars).await;
    println!("{}", check(&received, &said, "http/json", AggregationTemporality::Delta));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sampler_that_keeps_no_trace_still_leaves_every_metric() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start().await;
    let mut vars = standard_vars(&receiver, "grpc");
    vars.push(("OTEL_TRACES_SAMPLER", "always_off".to_owned()));
    let (received, _) = run_exporting(&receiver, &vars).await;
    assert_eq!(span_names(&received), BTreeMap::new());
    let metrics = histograms(&received);
    let count = |name: &str| metrics.get(name).map(|(count, _)| *count);
    assert_eq!(count("gen_ai.client.operation.duration"), Some(2), "{metrics:?}");
    assert_eq!(count("gen_ai.execute_tool.duration"), Some(2), "{metrics:?}");
    assert_eq!(count("gen_ai.invoke_agent.duration"), Some(1), "{metrics:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_sdk_installs_nothing() {
    let _one = GLOBAL.lock().await;
    let receiver = Receiver::start().await;
    let mut vars = standard_vars(&receiver, "grpc");
    vars.push(("OTEL_SDK_DISABLED", "true".to_owned()));
    let (received, said) = run_exporting(&receiver, &vars).await;
    assert_eq!(said, "");
    assert_eq!(received.requests, []);
}
