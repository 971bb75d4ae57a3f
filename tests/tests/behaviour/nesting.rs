//! Parents: the span current when a body starts; children started in the body, also in
//! `join_all`, `try_join_all`, `FuturesUnordered` and `select!`, nest under it.

use std::future::Future;
use std::pin::pin;
use std::task::{Context as TaskContext, Waker};
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use opentelemetry::Context;
use opentelemetry::trace::{SpanKind, Status, TraceContextExt};
use otel_genai::testing::Capture;
use otel_genai::{agent, gen_ai_chat, tool, workflow};

use crate::{ChatRequest, ChatResponse, request, response};

#[gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
async fn complete(req: &ChatRequest, input_tokens: u32) -> Result<ChatResponse, String> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    Ok(response(input_tokens, input_tokens / 2))
}

/// Searches the web.
#[tool]
async fn web_search(query: &str) -> Result<Vec<String>, String> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    Ok(vec![format!("hit for {query}")])
}

#[agent(name = "research-agent", conversation_id = session)]
async fn research(session: &str, task: &str) -> Result<String, String> {
    let plan = complete(&request("gpt-4o"), 20).await?;
    let queries = [format!("{task} basics"), format!("{task} {}", plan.id)];
    let hits = futures::future::try_join_all(queries.iter().map(|q| web_search(q))).await?;
    let summary = complete(&request("gpt-4o"), 40).await?;
    Ok(format!("{} hits, {}", hits.len(), summary.id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_research_agent_tree() {
    let capture = Capture::new();
    let answer = tokio::spawn(capture.scope(research("session-9", "tracing"))).await.unwrap();
    assert_eq!(answer.unwrap(), "2 hits, resp-40");

    let tree = capture.tree();
    assert_eq!(
        tree.outline(),
        "invoke_agent research-agent\n  chat gpt-4o\n  execute_tool web_search\n  execute_tool web_search\n  chat gpt-4o\n",
        "{tree}"
    );
    let agent = tree.root();
    assert_eq!(agent.kind(), SpanKind::Internal);
    assert_eq!(agent.str_attr("gen_ai.agent.name"), Some("research-agent"));
    assert_eq!(agent.str_attr("gen_ai.conversation.id"), Some("session-9"));
    assert_eq!(agent.status(), &Status::Unset);
    assert!(tree.spans().all(|span| span.trace_id() == agent.trace_id()), "one trace");

    let children = agent.children();
    let [plan, search_a, search_b, summary] = children.as_slice() else { panic!("four children:\n{tree}") };
    for chat in [plan, summary] {
        assert_eq!(chat.kind(), SpanKind::Client);
        assert_eq!(chat.str_attr("gen_ai.provider.name"), Some("openai"));
        assert_eq!(chat.str_attr("gen_ai.request.model"), Some("gpt-4o"));
        assert_eq!(chat.str_attr("server.address"), Some("api.openai.com"));
        assert_eq!(chat.status(), &Status::Unset);
    }
    assert_eq!(plan.int_attr("gen_ai.usage.input_tokens"), Some(20));
    assert_eq!(plan.int_attr("gen_ai.usage.output_tokens"), Some(10));
    assert_eq!(summary.int_attr("gen_ai.usage.input_tokens"), Some(40));
    for search in [search_a, search_b] {
        assert_eq!(search.kind(), SpanKind::Internal);
        assert_eq!(search.str_attr("gen_ai.tool.name"), Some("web_search"));
        assert_eq!(search.str_attr("gen_ai.tool.type"), Some("function"));
        assert!(search.data().start_time >= plan.data().end_time, "tools start after the plan");
        assert!(search.data().end_time <= summary.data().start_time, "synthesis waits for the tools");
    }
    // The two searches ran concurrently: each started before the other ended.
    assert!(search_a.data().start_time < search_b.data().end_time);
    assert!(search_b.data().start_time < search_a.data().end_time);
}

#[tool]
async fn numbered(n: u32) -> u32 {
    tokio::time::sleep(Duration::from_millis(u64::from(5 * (4 - n)))).await;
    n
}

#[agent(name = "fan-out")]
async fn fan_out() -> u32 {
    let joined: u32 = futures::future::join_all((0..2).map(numbered)).await.into_iter().sum();
    let mut unordered: FuturesUnordered<_> = (2..4).map(numbered).collect();
    let mut streamed = 0;
    while let Some(n) = unordered.next().await {
        streamed += n;
    }
    joined + streamed
}

#[tokio::test]
async fn join_all_and_futures_unordered_nest_under_the_body() {
    let capture = Capture::new();
    assert_eq!(capture.scope(fan_out()).await, 6);
    let tree = capture.tree();
    let agent = tree.root();
    assert_eq!(agent.name(), "invoke_agent fan-out");
    assert_eq!(agent.children().len(), 4, "{tree}");
    assert!(agent.children().iter().all(|c| c.name() == "execute_tool numbered"));
}

#[agent(name = "racer")]
async fn race() -> &'static str {
    let fast = pin!(numbered(3));
    let slow = pin!(numbered(0));
    tokio::select! {
        _ = fast => "fast",
        _ = slow => "slow",
    }
}

#[tokio::test]
async fn select_nests_both_branches_and_cancels_the_loser() {
    let capture = Capture::new();
    assert_eq!(capture.scope(race()).await, "fast");
    let tree = capture.tree();
    let agent = tree.root();
    let children = agent.children();
    assert_eq!(children.len(), 2, "{tree}");
    let cancelled: Vec<_> = children.iter().filter_map(|c| c.str_attr("error.type")).collect();
    assert_eq!(cancelled, ["cancelled"]);
}

#[workflow(name = "two-agents")]
async fn two_agents_interleaved() {
    futures::join!(fan_out(), race());
}

#[tokio::test]
async fn interleaved_siblings_on_one_thread_keep_their_own_children() {
    let capture = Capture::new();
    capture.scope(two_agents_interleaved()).await;
    let tree = capture.tree();
    assert_eq!(tree.root().name(), "invoke_workflow two-agents");
    let fan_out = tree.find("invoke_agent fan-out").unwrap();
    let racer = tree.find("invoke_agent racer").unwrap();
    assert_eq!(fan_out.parent().unwrap().name(), "invoke_workflow two-agents");
    assert_eq!(racer.parent().unwrap().name(), "invoke_workflow two-agents");
    assert_eq!(fan_out.children().len(), 4, "{tree}");
    assert_eq!(racer.children().len(), 2, "{tree}");
}

#[tokio::test]
async fn the_parent_is_the_context_current_when_the_body_starts() {
    let capture = Capture::new();
    // Created outside any span, first polled inside the agent's body.
    let created_outside = numbered(1);
    #[agent(name = "host")]
    async fn host<F: Future<Output = u32>>(inner: F) -> u32 {
        inner.await
    }
    capture.scope(host(created_outside)).await;
    let tree = capture.tree();
    assert_eq!(tree.outline(), "invoke_agent host\n  execute_tool numbered\n");
}

#[tokio::test]
async fn no_context_is_left_attached_while_a_body_is_suspended() {
    let capture = Capture::new();
    let mut agent = pin!(capture.scope(fan_out()));
    let mut task = TaskContext::from_waker(Waker::noop());
    assert!(agent.as_mut().poll(&mut task).is_pending(), "the agent waits on its tools");
    assert!(!Context::current().has_active_span(), "the agent's span leaked into the caller's context");
    assert_eq!(agent.await, 6);
    assert!(!Context::current().has_active_span());
}

#[tool]
fn sync_child() -> u8 {
    1
}

#[agent(name = "sync-parent")]
fn sync_parent() -> u8 {
    sync_child() + sync_child()
}

#[test]
fn sync_functions_nest_too() {
    let capture = Capture::new();
    assert_eq!(capture.in_scope(sync_parent), 2);
    assert_eq!(
        capture.tree().outline(),
        "invoke_agent sync-parent\n  execute_tool sync_child\n  execute_tool sync_child\n"
    );
    assert!(!capture.in_scope(|| Context::current().has_active_span()));
}

#[tokio::test]
async fn spans_outside_any_capture_are_not_captured() {
    let capture = Capture::new();
    numbered(1).await; // no provider installed globally in this test binary: a no-op
    sync_child();
    assert!(capture.spans().is_empty());
}
