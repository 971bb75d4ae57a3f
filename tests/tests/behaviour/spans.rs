//! Each macro's span: name, kind and start attributes as the pinned `spans.yaml` says.

use opentelemetry::Value;
use opentelemetry::trace::{SpanKind, Status};
use otel_genai::testing::Capture;
use otel_genai::{agent, embeddings, gen_ai_chat, retrieval, tool, workflow};

use crate::{ChatRequest, ChatResponse, attribute_lines, request, response};

#[gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
fn chat_with_request(req: &ChatRequest) -> ChatResponse {
    let _ = req;
    response(10, 5)
}

#[test]
fn chat_span_has_the_inference_start_attributes() {
    let capture = Capture::new();
    capture.in_scope(|| chat_with_request(&request("gpt-4o")));
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "chat gpt-4o");
    assert_eq!(span.kind(), SpanKind::Client);
    assert_eq!(span.status(), &Status::Unset);
    assert_eq!(
        attribute_lines(&span),
        [
            "gen_ai.operation.name=chat",
            "gen_ai.provider.name=openai",
            "gen_ai.request.model=gpt-4o",
            "gen_ai.request.temperature=0.5",
            "gen_ai.response.finish_reasons=[\"stop\"]",
            "gen_ai.response.id=resp-10",
            "gen_ai.response.model=gpt-4o-2024-08-06",
            // 10 input and 5 output tokens of gpt-4o at 2.50 and 10.00 USD per million.
            "gen_ai.usage.cost=0.000075",
            "gen_ai.usage.input_tokens=10",
            "gen_ai.usage.output_tokens=5",
            "server.address=api.openai.com",
            "server.port=443",
        ]
    );
    assert_eq!(span.attr("server.port"), Some(&Value::I64(443)));
}

#[gen_ai_chat(provider = "anthropic", model = model_name, operation = "text_completion",
              server_address = host, server_port = port, conversation_id = "conv-7")]
async fn completion(model_name: &str, host: String, port: u16) -> String {
    format!("{model_name}@{host}:{port}")
}

#[tokio::test]
async fn chat_arguments_are_expressions_and_operation_can_change() {
    let capture = Capture::new();
    let out = capture.scope(completion("claude-sonnet", "localhost".to_owned(), 8080)).await;
    assert_eq!(out, "claude-sonnet@localhost:8080");
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "text_completion claude-sonnet");
    assert_eq!(span.kind(), SpanKind::Client);
    assert_eq!(
        attribute_lines(&span),
        [
            "gen_ai.conversation.id=conv-7",
            "gen_ai.operation.name=text_completion",
            "gen_ai.provider.name=anthropic",
            "gen_ai.request.model=claude-sonnet",
            "server.address=localhost",
            "server.port=8080",
        ]
    );
}

#[gen_ai_chat(provider = "openai", request = req, model = "gpt-4o-mini")]
fn explicit_model_wins(req: &ChatRequest) {
    let _ = req;
}

#[test]
fn an_explicit_argument_overrides_the_request() {
    let capture = Capture::new();
    capture.in_scope(|| explicit_model_wins(&request("gpt-4o")));
    let tree = capture.tree();
    assert_eq!(tree.root().name(), "chat gpt-4o-mini");
    assert_eq!(tree.root().str_attr("gen_ai.request.model"), Some("gpt-4o-mini"));
    assert_eq!(tree.root().data().attributes.iter().filter(|kv| kv.key.as_str() == "gen_ai.request.model").count(), 1);
}

#[gen_ai_chat(provider = "gcp.gemini", operation = "generate_content")]
fn no_model_known() {}

#[test]
fn without_a_model_the_span_is_named_by_the_operation() {
    let capture = Capture::new();
    capture.in_scope(no_model_known);
    assert_eq!(capture.tree().root().name(), "generate_content");
}

#[embeddings(provider = "openai", model = "text-embedding-3-small", server = "api.openai.com:443")]
async fn embed(texts: &[&str]) -> Vec<Vec<f32>> {
    texts.iter().map(|t| vec![t.len() as f32]).collect()
}

#[tokio::test]
async fn embeddings_span() {
    let capture = Capture::new();
    let vectors = capture.scope(embed(&["a", "bb"])).await;
    assert_eq!(vectors, vec![vec![1.0], vec![2.0]]);
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "embeddings text-embedding-3-small");
    assert_eq!(span.kind(), SpanKind::Client);
    assert_eq!(
        attribute_lines(&span),
        [
            "gen_ai.operation.name=embeddings",
            "gen_ai.provider.name=openai",
            "gen_ai.request.model=text-embedding-3-small",
            "server.address=api.openai.com",
            "server.port=443",
        ]
    );
}

#[retrieval(data_source = store, attributes(gen_ai.retrieval.top_k = k))]
async fn search(store: &str, query: &str, k: u32) -> Vec<String> {
    vec![format!("{store}:{query}"); k as usize]
}

#[tokio::test]
async fn retrieval_span_is_named_by_its_data_source() {
    let capture = Capture::new();
    let hits = capture.scope(search("kb-docs", "otel", 2)).await;
    assert_eq!(hits.len(), 2);
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "retrieval kb-docs");
    assert_eq!(span.kind(), SpanKind::Client);
    assert_eq!(
        attribute_lines(&span),
        ["gen_ai.data_source.id=kb-docs", "gen_ai.operation.name=retrieval", "gen_ai.retrieval.top_k=2"]
    );
}

/// Answers questions about the weather.
///
/// Knows every city.
#[agent(id = "asst_42", version = "1.2.0", conversation_id = session, model = "gpt-4o")]
async fn weather_agent(session: &str) -> &'static str {
    let _ = session;
    "sunny"
}

#[tokio::test]
async fn agent_span_defaults_its_name_and_description() {
    let capture = Capture::new();
    capture.scope(weather_agent("s-1")).await;
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "invoke_agent weather_agent");
    assert_eq!(span.kind(), SpanKind::Internal);
    assert_eq!(
        attribute_lines(&span),
        [
            "gen_ai.agent.description=Answers questions about the weather.\n\nKnows every city.",
            "gen_ai.agent.id=asst_42",
            "gen_ai.agent.name=weather_agent",
            "gen_ai.agent.version=1.2.0",
            "gen_ai.conversation.id=s-1",
            "gen_ai.operation.name=invoke_agent",
            "gen_ai.request.model=gpt-4o",
            "otel_genai.total.inference_calls=0",
            "otel_genai.total.tool_calls=0",
        ]
    );
}

#[agent(
    name = "support",
    description = "Remote support agent",
    remote,
    provider = "aws.bedrock",
    server = "bedrock.us-east-1.amazonaws.com:443"
)]
fn remote_agent() -> u8 {
    7
}

#[test]
fn a_remote_agent_is_a_client_span() {
    let capture = Capture::new();
    assert_eq!(capture.in_scope(remote_agent), 7);
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "invoke_agent support");
    assert_eq!(span.kind(), SpanKind::Client);
    assert_eq!(
        attribute_lines(&span),
        [
            "gen_ai.agent.description=Remote support agent",
            "gen_ai.agent.name=support",
            "gen_ai.operation.name=invoke_agent",
            "gen_ai.provider.name=aws.bedrock",
            "otel_genai.total.inference_calls=0",
            "otel_genai.total.tool_calls=0",
            "server.address=bedrock.us-east-1.amazonaws.com",
            "server.port=443",
        ]
    );
}

#[workflow]
async fn nightly_pipeline() {}

#[workflow(name = format!("pipeline-{}", region))]
fn regional_pipeline(region: &str) {
    let _ = region;
}

#[tokio::test]
async fn workflow_spans() {
    let capture = Capture::new();
    capture.scope(nightly_pipeline()).await;
    capture.in_scope(|| regional_pipeline("eu"));
    let tree = capture.tree();
    let nightly = tree.find("invoke_workflow nightly_pipeline").expect("nightly span");
    assert_eq!(nightly.kind(), SpanKind::Internal);
    assert_eq!(
        attribute_lines(&nightly),
        [
            "gen_ai.operation.name=invoke_workflow",
            "gen_ai.workflow.name=nightly_pipeline",
            "otel_genai.total.inference_calls=0",
            "otel_genai.total.tool_calls=0"
        ]
    );
    let regional = tree.find("invoke_workflow pipeline-eu").expect("regional span");
    assert_eq!(regional.str_attr("gen_ai.workflow.name"), Some("pipeline-eu"));
}

/// Searches the web.
#[tool]
async fn web_search(query: &str) -> Vec<String> {
    vec![query.to_owned()]
}

#[tool(name = "kb.lookup", type = "datastore", call_id = call, description = "Looks up the knowledge base")]
fn lookup(call: &str) -> bool {
    !call.is_empty()
}

#[tokio::test]
async fn tool_spans() {
    let capture = Capture::new();
    capture.scope(web_search("rust")).await;
    assert!(capture.in_scope(|| lookup("call_1")));
    let tree = capture.tree();

    let search = tree.find("execute_tool web_search").expect("web_search span");
    assert_eq!(search.kind(), SpanKind::Internal);
    assert_eq!(
        attribute_lines(&search),
        [
            "gen_ai.operation.name=execute_tool",
            "gen_ai.tool.description=Searches the web.",
            "gen_ai.tool.name=web_search",
            "gen_ai.tool.type=function",
        ]
    );

    let lookup = tree.find("execute_tool kb.lookup").expect("lookup span");
    assert_eq!(
        attribute_lines(&lookup),
        [
            "gen_ai.operation.name=execute_tool",
            "gen_ai.tool.call.id=call_1",
            "gen_ai.tool.description=Looks up the knowledge base",
            "gen_ai.tool.name=kb.lookup",
            "gen_ai.tool.type=datastore",
        ]
    );
}

#[tool(attributes(app.tenant = tenant, "app.retry" = attempt, app.tags = ["a", "b"], app.skip = None::<i64>))]
fn with_custom_attributes(tenant: &str, attempt: u8) {
    let _ = (tenant, attempt);
}

#[test]
fn custom_attributes_take_any_convertible_value() {
    let capture = Capture::new();
    capture.in_scope(|| with_custom_attributes("acme", 2));
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.str_attr("app.tenant"), Some("acme"));
    assert_eq!(span.int_attr("app.retry"), Some(2));
    assert_eq!(span.attr("app.tags"), Some(&crate::strings(&["a", "b"])));
    assert_eq!(span.attr("app.skip"), None);
}

static EVALUATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn counted(value: &str) -> String {
    EVALUATIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    value.to_owned()
}

#[tool(name = counted(name))]
async fn counted_tool(name: &str) {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    let _ = name;
}

#[tokio::test]
async fn argument_expressions_are_evaluated_once_at_span_start() {
    let capture = Capture::new();
    capture.scope(counted_tool("once")).await;
    assert_eq!(EVALUATIONS.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(capture.tree().root().name(), "execute_tool once");
}

#[test]
fn spans_carry_the_otel_genai_scope() {
    let capture = Capture::new();
    capture.in_scope(|| lookup("c"));
    let spans = capture.spans();
    let scope = &spans[0].instrumentation_scope;
    assert_eq!(scope.name(), "otel-genai");
    assert_eq!(scope.version(), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(scope.schema_url(), Some("https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev"));
}

static UNRECORDED_EVALUATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn counted_unrecorded(value: &str) -> &str {
    UNRECORDED_EVALUATIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    value
}

#[tool(attributes(app.query = counted_unrecorded(query)))]
fn unrecorded_tool(query: &str) -> usize {
    query.len()
}

#[test]
fn with_no_provider_argument_expressions_are_not_evaluated() {
    // No provider is installed in this test binary: the first span of the thread shows the
    // no-op provider; the calls after it skip the span, and with it the arguments.
    let calls = 100;
    let total: usize = (0..calls).map(|_| unrecorded_tool("four")).sum();
    assert_eq!(total, 4 * calls);
    let evaluated = UNRECORDED_EVALUATIONS.load(std::sync::atomic::Ordering::SeqCst);
    assert!(evaluated <= 1, "evaluated {evaluated} times in {calls} calls");
}
