//! The context follows the work into tasks, threads and scopes: the spawn helpers,
//! `in_current_context`, and attributes propagated to every span started in a scope.

use std::time::Duration;

use futures::stream::{self, StreamExt};
use opentelemetry::trace::{TraceContextExt, TraceId};
use otel_genai::testing::Capture;
use otel_genai::{FutureContextExt as _, agent, gen_ai_chat, tool};

#[tool]
async fn fetch(page: u32) -> u32 {
    tokio::time::sleep(Duration::from_millis(2)).await;
    page
}

#[tool]
fn parse(page: u32) -> u32 {
    page * 10
}

#[agent(name = "spawner")]
async fn spawner() -> u32 {
    let task = otel_genai::spawn(fetch(1));
    let blocking = otel_genai::spawn_blocking(|| parse(2));
    let mut set = tokio::task::JoinSet::new();
    otel_genai::spawn_into(&mut set, fetch(3));
    otel_genai::spawn_into(&mut set, fetch(4));
    let thread = otel_genai::spawn_thread(|| parse(5));
    let wrapped = tokio::spawn(fetch(6).in_current_context());
    task.await.unwrap()
        + blocking.await.unwrap()
        + set.join_all().await.into_iter().sum::<u32>()
        + thread.join().unwrap()
        + wrapped.await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_helper_keeps_the_parent() {
    let capture = Capture::new();
    assert_eq!(tokio::spawn(capture.scope(spawner())).await.unwrap(), 1 + 20 + 3 + 4 + 50 + 6);
    let tree = capture.tree();
    let agent = tree.root();
    assert_eq!(tree.roots().len(), 1, "{tree}");
    let mut children: Vec<&str> = agent.children().iter().map(|child| child.name()).collect();
    children.sort();
    assert_eq!(
        children,
        [
            "execute_tool fetch",
            "execute_tool fetch",
            "execute_tool fetch",
            "execute_tool fetch",
            "execute_tool parse",
            "execute_tool parse"
        ],
        "{tree}"
    );
    assert!(tree.spans().all(|span| span.trace_id() == agent.trace_id()));
}

#[agent(name = "forgetful")]
async fn forgetful() -> u32 {
    // Plain `tokio::spawn` polls the task where no context is attached.
    tokio::spawn(fetch(1)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_tokio_spawn_loses_the_parent() {
    let capture = Capture::new();
    capture.scope(forgetful()).await;
    // The tool's span has no parent context, so it does not even reach this capture (its
    // tracer travels in the context): a trace of its own, elsewhere.
    assert_eq!(capture.tree().outline(), "invoke_agent forgetful\n");
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o", conversation_id = "own-conversation")]
async fn ask(question: &str) -> usize {
    question.len()
}

#[tool]
fn numbers(count: u32) -> impl futures::Stream<Item = u32> {
    stream::iter(0..count).then(fetch)
}

#[agent(name = "assistant")]
async fn assistant(question: &str) -> usize {
    let spawned = otel_genai::spawn(fetch(7)).await.unwrap() as usize;
    let streamed = numbers(2).count().await;
    spawned + streamed + ask(question).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn propagated_attributes_reach_every_span_in_the_scope() {
    let capture = Capture::new();
    let scope = otel_genai::propagate_attributes!(app.tenant = "acme", gen_ai.conversation.id = "c-1").user_id("u-7");
    // `run` builds on the context current when it is called: here, the capture's.
    capture.scope(async { scope.run(assistant("why?")).await }).await;
    // Outside the scope: nothing propagated.
    capture.scope(fetch(9)).await;

    let tree = capture.tree();
    let [inside @ .., outside] = &tree.spans().collect::<Vec<_>>()[..] else { panic!("{tree}") };
    assert_eq!(inside.len(), 6, "agent, spawned fetch, stream, two fetches per item, chat:\n{tree}");
    for span in inside {
        assert_eq!(span.str_attr("app.tenant"), Some("acme"), "{}", span.name());
        assert_eq!(span.str_attr("user.id"), Some("u-7"), "{}", span.name());
        let own = span.name() == "chat gpt-4o";
        let conversation = if own { "own-conversation" } else { "c-1" };
        assert_eq!(span.str_attr("gen_ai.conversation.id"), Some(conversation), "the span's own value wins");
    }
    assert_eq!(outside.name(), "execute_tool fetch");
    assert_eq!(outside.attr("app.tenant"), None);
    assert_eq!(outside.attr("user.id"), None);
}

#[test]
fn nested_scopes_add_and_override() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let outer = otel_genai::propagate_attributes().user_id("u-1").attribute("app.tier", "free");
        outer.in_scope(|| {
            otel_genai::propagate_attributes()
                .attribute("app.tier", "pro")
                .attribute("app.region", "eu")
                .in_scope(|| parse(1));
            parse(2)
        })
    });
    let tree = capture.tree();
    let [inner, outer] = &tree.spans().collect::<Vec<_>>()[..] else { panic!("{tree}") };
    assert_eq!(
        (inner.str_attr("user.id"), inner.str_attr("app.tier"), inner.str_attr("app.region")),
        (Some("u-1"), Some("pro"), Some("eu"))
    );
    assert_eq!(
        (outer.str_attr("user.id"), outer.str_attr("app.tier"), outer.str_attr("app.region")),
        (Some("u-1"), Some("free"), None)
    );
}

#[tool]
fn remote_call(params: &mut serde_json::Value) {
    otel_genai::propagation::inject_mcp(params);
}

#[agent(name = "mcp-server-side")]
fn handle(topic: &str) -> usize {
    topic.len()
}

#[test]
fn mcp_meta_carries_the_trace_and_baggage() {
    use opentelemetry::baggage::BaggageExt as _;

    let capture = Capture::new();
    let mut params = serde_json::json!({ "name": "research", "arguments": { "topic": "rust" } });
    let client = capture.context().with_baggage([opentelemetry::KeyValue::new("tenant", "acme")]);
    let attached = client.attach();
    remote_call(&mut params);
    drop(attached);
    let meta = params["_meta"].as_object().unwrap().clone();
    assert!(meta.contains_key("traceparent"), "{meta:?}");
    assert_eq!(meta["baggage"], "tenant=acme");

    // The receiving side, with nothing attached but its own capture.
    let server = Capture::new();
    let (remote_parent, tenant) = server.in_scope(|| {
        let cx = otel_genai::propagation::extract_mcp(&params);
        let tenant = cx.baggage().get("tenant").map(|value| value.to_string());
        let remote_parent = cx.span().span_context().clone();
        let _attached = cx.attach();
        handle("rust");
        (remote_parent, tenant)
    });
    assert_eq!(tenant.as_deref(), Some("acme"));
    let client_span = capture.spans().remove(0);
    let server_span = server.spans().remove(0);
    assert!(remote_parent.is_remote());
    assert_eq!(server_span.parent_span_id, client_span.span_context.span_id());
    assert_eq!(server_span.span_context.trace_id(), client_span.span_context.trace_id());
    assert_ne!(server_span.span_context.trace_id(), TraceId::INVALID);

    // No `_meta`: the current context as it was.
    let cx = otel_genai::propagation::extract_mcp(&serde_json::json!({ "name": "x" }));
    assert!(!cx.span().span_context().is_valid());
}
