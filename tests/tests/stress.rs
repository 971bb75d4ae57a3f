//! 10,000 concurrent agent runs on a multi-thread runtime, each with concurrent tool calls,
//! a spawned sub-agent, a `spawn_blocking` step, an `#[async_trait]` tool and a streamed
//! chat: every finished span has exactly its expected parent, trace and run. Nothing
//! orphaned, misparented or lost.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::{self, Stream, StreamExt};
use opentelemetry::trace::SpanId;
use otel_genai::testing::Capture;
use otel_genai::{GenAiChunk, StreamSummary, TokenCount, agent, gen_ai_chat, tool};

const RUNS: i64 = 10_000;

#[tool]
async fn lookup(word: &'static str) -> usize {
    tokio::task::yield_now().await;
    word.len()
}

#[tool]
fn parse(text: &'static str) -> usize {
    text.split_whitespace().count()
}

#[agent(name = "sub-agent")]
async fn sub_agent() -> usize {
    tokio::task::yield_now().await;
    lookup("nested").await
}

#[async_trait]
trait Tool: Send + Sync {
    async fn call(&self, input: &str) -> Result<usize, String>;
}

struct Fetch;

#[async_trait]
impl Tool for Fetch {
    #[tool(name = "fetch")]
    async fn call(&self, input: &str) -> Result<usize, String> {
        tokio::task::yield_now().await;
        Ok(input.len())
    }
}

struct Chunk(u64);

impl GenAiChunk for Chunk {
    fn record_chunk(&self, summary: &mut StreamSummary) {
        summary.add_tokens(TokenCount::Output, self.0);
    }
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
async fn chat_stream() -> Result<impl Stream<Item = Chunk> + Send, String> {
    tokio::task::yield_now().await;
    Ok(stream::iter([1, 2, 3]).then(|tokens| async move {
        tokio::task::yield_now().await;
        Chunk(tokens)
    }))
}

#[agent(name = "research-agent")]
async fn research(tools: &'static dyn Tool) -> usize {
    let (a, b) = futures::join!(lookup("alpha"), lookup("beta"));
    let sub = otel_genai::spawn(sub_agent());
    let parsed = otel_genai::spawn_blocking(|| parse("a b c")).await.unwrap();
    let fetched = tools.call("page").await.unwrap();
    let chunks = chat_stream().await.unwrap().count().await;
    tokio::time::sleep(Duration::from_micros(50)).await;
    a + b + sub.await.unwrap() + parsed + fetched + chunks
}

/// The spans of one run, by name, with the name of the parent each must have.
const EXPECTED: [(&str, Option<&str>); 8] = [
    ("invoke_agent research-agent", None),
    ("execute_tool lookup", Some("invoke_agent research-agent")),
    ("execute_tool lookup", Some("invoke_agent research-agent")),
    ("invoke_agent sub-agent", Some("invoke_agent research-agent")),
    ("execute_tool lookup", Some("invoke_agent sub-agent")),
    ("execute_tool parse", Some("invoke_agent research-agent")),
    ("execute_tool fetch", Some("invoke_agent research-agent")),
    ("chat gpt-4o", Some("invoke_agent research-agent")),
];

#[test]
fn ten_thousand_concurrent_agent_runs_keep_their_parents() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .max_blocking_threads(8)
        .enable_time()
        .build()
        .unwrap();
    let capture = Capture::new();
    static FETCH: Fetch = Fetch;
    runtime.block_on(async {
        let runs: Vec<_> = (0..RUNS)
            .map(|run| {
                let scope = otel_genai::propagate_attributes!(app.run = run);
                tokio::spawn(capture.scope(async move { scope.run(research(&FETCH)).await }))
            })
            .collect();
        for run in runs {
            assert_eq!(run.await.unwrap(), 5 + 4 + 6 + 3 + 4 + 3);
        }
    });

    let spans = capture.spans();
    let by_id: HashMap<SpanId, &opentelemetry_sdk::trace::SpanData> =
        spans.iter().map(|span| (span.span_context.span_id(), span)).collect();
    let run_of = |span: &opentelemetry_sdk::trace::SpanData| {
        span.attributes.iter().find(|kv| kv.key.as_str() == "app.run").and_then(|kv| match kv.value {
            opentelemetry::Value::I64(run) => Some(run),
            _ => None,
        })
    };
    // Each span's parent is in the same run and trace (or it is the run's root); each run
    // has exactly the expected spans, each under the expected parent.
    let (mut orphaned, mut misparented, mut unmarked) = (0, 0, 0);
    let mut per_run: HashMap<i64, Vec<(&str, Option<&str>)>> = HashMap::new();
    for span in &spans {
        let Some(run) = run_of(span) else {
            unmarked += 1;
            continue;
        };
        let parent = match by_id.get(&span.parent_span_id) {
            None if span.parent_span_id == SpanId::INVALID => None,
            None => {
                orphaned += 1;
                continue;
            }
            Some(parent) => {
                if run_of(parent) != Some(run) || parent.span_context.trace_id() != span.span_context.trace_id() {
                    misparented += 1;
                }
                Some(parent.name.as_ref())
            }
        };
        per_run.entry(run).or_default().push((span.name.as_ref(), parent));
    }
    let mut expected = EXPECTED.to_vec();
    expected.sort();
    for edges in per_run.values_mut() {
        edges.sort();
    }
    let lost_or_misplaced =
        per_run.values().filter(|edges| **edges != expected).count() + (RUNS as usize - per_run.len());
    let traces: std::collections::HashSet<_> = spans.iter().map(|span| span.span_context.trace_id()).collect();
    println!(
        "{} spans from {RUNS} runs in {} traces: {orphaned} orphaned, {misparented} misparented, {unmarked} without their run, {lost_or_misplaced} runs with a span lost, extra or under another parent",
        spans.len(),
        traces.len()
    );
    assert_eq!(spans.len(), RUNS as usize * EXPECTED.len());
    assert_eq!(traces.len(), RUNS as usize, "one trace per run");
    assert_eq!((orphaned, misparented, unmarked, lost_or_misplaced), (0, 0, 0, 0));
}
