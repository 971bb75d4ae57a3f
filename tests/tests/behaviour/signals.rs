//! Metrics, cost and totals, read back from the capture's in-memory meter provider and
//! spans.

use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use opentelemetry::Value;
use otel_genai::testing::Capture;
use otel_genai::{GenAiChunk, StreamSummary, TokenCount, agent, gen_ai_chat, retrieval, tool, workflow};

use crate::{ChatResponse, response};

const DURATION_BUCKETS: [f64; 14] =
    [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
    67108864.0,
];

#[gen_ai_chat(provider = "openai", model = "gpt-4o", server = "api.openai.com:443")]
async fn chat(input_tokens: u32) -> Result<ChatResponse, String> {
    tokio::time::sleep(Duration::from_millis(2)).await;
    if input_tokens == 0 {
        return Err("empty prompt".to_owned());
    }
    Ok(response(input_tokens, 10))
}

/// Searches.
#[tool]
async fn search(query: &str) -> usize {
    query.len()
}

#[agent(name = "helper")]
async fn helper() -> Result<usize, String> {
    let answer = chat(100).await?;
    Ok(answer.output_tokens as usize + search("sub").await)
}

#[agent(name = "lead")]
async fn lead() -> Result<usize, String> {
    let (first, found) = futures::join!(chat(1000), search("rust"));
    let delegated = otel_genai::spawn(helper()).await.map_err(|error| error.to_string())??;
    let failed = chat(0).await;
    Ok(first?.output_tokens as usize + found + delegated + usize::from(failed.is_err()))
}

#[workflow(name = "nightly")]
async fn nightly() -> Result<usize, String> {
    lead().await
}

fn attrs_of(histogram: &otel_genai::testing::Histogram) -> Vec<String> {
    histogram.attributes.iter().map(|kv| format!("{}={}", kv.key, kv.value)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_records_its_metrics_with_the_conventions_attributes_and_buckets() {
    let capture = Capture::new();
    capture.scope(nightly()).await.unwrap();

    let durations = capture.histogram("gen_ai.client.operation.duration");
    let ok = durations.iter().find(|h| h.attr("error.type").is_none() && h.count == 2).expect("two successful chats");
    assert_eq!(ok.unit, "s");
    assert_eq!(ok.bounds, DURATION_BUCKETS);
    assert_eq!(
        attrs_of(ok),
        [
            "gen_ai.operation.name=chat",
            "gen_ai.provider.name=openai",
            "gen_ai.request.model=gpt-4o",
            "gen_ai.response.model=gpt-4o-2024-08-06",
            "server.address=api.openai.com",
            "server.port=443"
        ]
    );
    assert!(ok.sum >= 0.004, "two calls of at least 2 ms: {}", ok.sum);
    let failed = durations.iter().find(|h| h.attr("error.type").is_some()).expect("the failed chat");
    assert_eq!(failed.str_attr("error.type"), Some("alloc::string::String"));
    assert_eq!(failed.count, 1);
    assert!(failed.attr("gen_ai.response.model").is_none());

    let tokens = capture.histogram("gen_ai.client.token.usage");
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    let input = tokens.iter().find(|h| h.str_attr("gen_ai.token.type") == Some("input")).unwrap();
    let output = tokens.iter().find(|h| h.str_attr("gen_ai.token.type") == Some("output")).unwrap();
    assert_eq!((input.count, input.sum, output.count, output.sum), (2, 1100.0, 2, 20.0));
    assert_eq!(input.unit, "{token}");
    assert_eq!(input.bounds, TOKEN_BUCKETS);

    let calls = capture.histogram("gen_ai.invoke_agent.inference_calls");
    let by_agent = |name: &str| calls.iter().find(|h| h.str_attr("gen_ai.agent.name") == Some(name)).unwrap().sum;
    assert_eq!(by_agent("lead"), 2.0, "the lead's own two chats, not the helper's");
    assert_eq!(by_agent("helper"), 1.0);
    let tools = capture.histogram("gen_ai.invoke_agent.tool_calls");
    assert_eq!(tools.len(), 2, "{tools:?}");
    let tools_of = |name: &str| tools.iter().find(|h| h.str_attr("gen_ai.agent.name") == Some(name)).unwrap().sum;
    assert_eq!((tools_of("lead"), tools_of("helper")), (1.0, 1.0), "each agent's own search");

    let agent = capture.histogram("gen_ai.invoke_agent.duration");
    assert_eq!(agent.len(), 2);
    assert!(agent.iter().all(|h| h.keys() == ["gen_ai.agent.name"]));
    let tool = capture.histogram("gen_ai.execute_tool.duration");
    let lead_tool = tool.iter().find(|h| h.str_attr("gen_ai.agent.name") == Some("lead")).unwrap();
    assert_eq!(attrs_of(lead_tool), ["gen_ai.agent.name=lead", "gen_ai.tool.name=search", "gen_ai.tool.type=function"]);
    let workflow = capture.histogram("gen_ai.workflow.duration");
    assert_eq!(attrs_of(&workflow[0]), ["gen_ai.workflow.name=nightly"]);

    let cost = capture.histogram("gen_ai.usage.cost");
    assert_eq!(cost.len(), 1);
    assert_eq!(cost[0].unit, "USD");
    // gpt-4o at 2.50 / 10.00 USD per million: 1100 input and 20 output tokens.
    assert!((cost[0].sum - (1100.0 * 2.5 + 20.0 * 10.0) / 1e6).abs() < 1e-12, "{}", cost[0].sum);
}

/// Looks a word up, or fails.
#[tool]
fn look_up(word: &str) -> Result<usize, String> {
    if word.is_empty() { Err("nothing to look up".to_owned()) } else { Ok(word.len()) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_sites_fixed_metric_attributes_take_what_each_call_adds() {
    let capture = Capture::new();
    capture
        .scope(async {
            // The same call site: on its own, failing, and where a propagated attribute is
            // one the metric carries.
            look_up("rust").unwrap();
            look_up("").unwrap_err();
            let scope = otel_genai::propagate_attributes!(gen_ai.agent.name = "scoped");
            scope.run(async { look_up("scope").unwrap() }).await;
        })
        .await;
    let mut seen: Vec<Vec<String>> = capture.histogram("gen_ai.execute_tool.duration").iter().map(attrs_of).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            vec!["error.type=alloc::string::String", "gen_ai.tool.name=look_up", "gen_ai.tool.type=function"],
            vec!["gen_ai.agent.name=scoped", "gen_ai.tool.name=look_up", "gen_ai.tool.type=function"],
            vec!["gen_ai.tool.name=look_up", "gen_ai.tool.type=function"],
        ]
    );
}

/// Counts letters.
#[tool]
fn count(word: &str) -> usize {
    word.len()
}

#[agent(name = "alpha")]
async fn alpha() -> usize {
    count("a") + count("bb")
}

#[agent(name = "beta")]
async fn beta() -> usize {
    count("ccc")
}

#[agent(name = who)]
async fn named(who: &str) -> usize {
    count(who)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_sites_metrics_are_the_same_for_every_provider_and_agent_it_runs_under() {
    // More providers than a call site keeps bound instruments for, each with the same tool
    // called on its own, under two agents named at their call site, and under an agent
    // named at run time: every provider gets the same points.
    for round in 0..6 {
        let capture = Capture::new();
        capture
            .scope(async {
                for _ in 0..3 {
                    count("solo");
                }
                for _ in 0..2 {
                    alpha().await;
                }
                beta().await;
                named("gamma").await;
            })
            .await;
        let mut tools: Vec<(Vec<String>, u64)> = capture
            .histogram("gen_ai.execute_tool.duration")
            .iter()
            .map(|histogram| (attrs_of(histogram), histogram.count))
            .collect();
        tools.sort();
        let with = |agent: Option<&str>, count: u64| {
            let mut attrs: Vec<String> = agent.map(|agent| format!("gen_ai.agent.name={agent}")).into_iter().collect();
            attrs.extend(["gen_ai.tool.name=count".to_owned(), "gen_ai.tool.type=function".to_owned()]);
            (attrs, count)
        };
        assert_eq!(
            tools,
            [with(Some("alpha"), 4), with(Some("beta"), 1), with(Some("gamma"), 1), with(None, 3)],
            "round {round}"
        );
        let per_agent = |metric: &str| {
            let mut points: Vec<(String, u64, f64)> =
                capture.histogram(metric).iter().map(|h| (attrs_of(h).join(","), h.count, h.sum)).collect();
            points.sort_by(|a, b| a.0.cmp(&b.0));
            points
        };
        // Tool calls made, model calls made (none): alpha ran twice with two tools each.
        for (metric, alpha, others) in
            [("gen_ai.invoke_agent.tool_calls", 4.0, 1.0), ("gen_ai.invoke_agent.inference_calls", 0.0, 0.0)]
        {
            assert_eq!(
                per_agent(metric),
                [
                    ("gen_ai.agent.name=alpha".to_owned(), 2, alpha),
                    ("gen_ai.agent.name=beta".to_owned(), 1, others),
                    ("gen_ai.agent.name=gamma".to_owned(), 1, others)
                ],
                "{metric}, round {round}"
            );
        }
        let durations: Vec<(String, u64)> =
            per_agent("gen_ai.invoke_agent.duration").into_iter().map(|(attrs, count, _)| (attrs, count)).collect();
        assert_eq!(
            durations,
            [
                ("gen_ai.agent.name=alpha".to_owned(), 2),
                ("gen_ai.agent.name=beta".to_owned(), 1),
                ("gen_ai.agent.name=gamma".to_owned(), 1)
            ],
            "round {round}"
        );
    }
}

#[retrieval(data_source = "kb-docs")]
async fn find(query: &str) -> usize {
    query.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retrieval_written_in_literals_records_the_client_duration() {
    let capture = Capture::new();
    capture.scope(async { find("rust").await + find("otel").await }).await;
    let client = capture.histogram("gen_ai.client.operation.duration");
    assert_eq!(client.len(), 1, "{client:?}");
    assert_eq!(attrs_of(&client[0]), ["gen_ai.operation.name=retrieval"]);
    assert_eq!(client[0].count, 2);
    assert!(capture.histogram("gen_ai.execute_tool.duration").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_and_workflows_carry_the_totals_of_what_ran_inside_them() {
    let capture = Capture::new();
    capture.scope(nightly()).await.unwrap();
    let tree = capture.tree();
    let chats = tree.find_all("chat gpt-4o");
    let cost_of = |input: f64| (input * 2.5 + 10.0 * 10.0) / 1e6;
    let with_usage: Vec<_> = chats.iter().filter(|span| span.int_attr("gen_ai.usage.input_tokens").is_some()).collect();
    assert_eq!(with_usage.len(), 2, "the lead's and the helper's answered chats");
    for span in &with_usage {
        let input = span.int_attr("gen_ai.usage.input_tokens").unwrap() as f64;
        assert_eq!(span.attr("gen_ai.usage.cost"), Some(&Value::F64(cost_of(input))));
    }
    let failed = chats.iter().find(|span| span.attr("error.type").is_some()).unwrap();
    assert!(failed.attr("gen_ai.usage.cost").is_none(), "no usage, no cost");

    let totals = |name: &str| {
        let span = tree.find(name).unwrap();
        let mut lines: Vec<String> = span
            .data()
            .attributes
            .iter()
            .filter(|kv| kv.key.as_str().starts_with("otel_genai.total."))
            .map(|kv| format!("{}={}", kv.key, kv.value))
            .collect();
        lines.sort();
        assert!(span.attr("gen_ai.usage.input_tokens").is_none(), "totals are not usage");
        lines
    };
    let all = cost_of(1000.0) + cost_of(100.0);
    assert_eq!(
        totals("invoke_workflow nightly"),
        [
            format!("otel_genai.total.cost={all}"),
            "otel_genai.total.inference_calls=3".to_owned(),
            "otel_genai.total.input_tokens=1100".to_owned(),
            "otel_genai.total.output_tokens=20".to_owned(),
            "otel_genai.total.tool_calls=2".to_owned(),
        ]
    );
    assert_eq!(totals("invoke_agent lead"), totals("invoke_workflow nightly"), "everything ran in the lead");
    assert_eq!(
        totals("invoke_agent helper"),
        [
            format!("otel_genai.total.cost={}", cost_of(100.0)),
            "otel_genai.total.inference_calls=1".to_owned(),
            "otel_genai.total.input_tokens=100".to_owned(),
            "otel_genai.total.output_tokens=10".to_owned(),
            "otel_genai.total.tool_calls=1".to_owned(),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn totals_are_exact_with_many_concurrent_children() {
    #[agent(name = "fan-out")]
    async fn fan_out() -> usize {
        let tasks: Vec<_> = (0..200).map(|_| otel_genai::spawn(chat(7))).collect();
        // Tools on tasks and on blocking threads, at the same time as the chats.
        let tools: Vec<_> = (0..50).map(|_| otel_genai::spawn(search("x"))).collect();
        let blocking: Vec<_> = (0..50).map(|_| otel_genai::spawn_blocking(|| look_up("y"))).collect();
        let mut done = 0;
        for task in tasks {
            done += usize::from(task.await.unwrap().is_ok());
        }
        for task in tools {
            task.await.unwrap();
        }
        for task in blocking {
            task.await.unwrap().unwrap();
        }
        done
    }
    let capture = Capture::new();
    assert_eq!(capture.scope(fan_out()).await, 200);
    let tree = capture.tree();
    let agent = tree.find("invoke_agent fan-out").unwrap();
    assert_eq!(agent.int_attr("otel_genai.total.inference_calls"), Some(200));
    assert_eq!(agent.int_attr("otel_genai.total.tool_calls"), Some(100));
    assert_eq!(agent.int_attr("otel_genai.total.input_tokens"), Some(1400));
    assert_eq!(agent.int_attr("otel_genai.total.output_tokens"), Some(2000));
    let Some(&Value::F64(cost)) = agent.attr("otel_genai.total.cost") else { panic!("no total cost") };
    let each = (7.0 * 2.5 + 10.0 * 10.0) / 1e6;
    assert!((cost - 200.0 * each).abs() < 1e-9, "{cost}");
    let tools = capture.histogram("gen_ai.invoke_agent.tool_calls");
    assert_eq!(tools.iter().map(|h| h.sum).sum::<f64>(), 100.0, "{tools:?}");
}

#[agent(name = "inner")]
async fn inner() -> Result<usize, String> {
    chat(10).await?;
    Ok(search("inner").await)
}

#[agent(name = "outer")]
async fn outer() -> Result<usize, String> {
    // Awaited in place, not spawned: still the inner agent's calls, not the outer's.
    let found = inner().await?;
    chat(20).await?;
    Err(format!("gave up after {found}"))
}

#[workflow(name = "broken")]
async fn broken() -> Result<usize, String> {
    outer().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sub_agent_awaited_in_place_keeps_its_own_counts_and_failures_carry_their_type() {
    let capture = Capture::new();
    capture.scope(broken()).await.unwrap_err();
    let sum_of = |metric: &str, agent: &str| {
        let histograms = capture.histogram(metric);
        let of_agent: Vec<_> = histograms.iter().filter(|h| h.str_attr("gen_ai.agent.name") == Some(agent)).collect();
        assert_eq!(of_agent.len(), 1, "{metric} of {agent}: {histograms:?}");
        assert_eq!(of_agent[0].bounds, [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]);
        of_agent[0].sum
    };
    assert_eq!(sum_of("gen_ai.invoke_agent.inference_calls", "outer"), 1.0);
    assert_eq!(sum_of("gen_ai.invoke_agent.inference_calls", "inner"), 1.0);
    assert_eq!(sum_of("gen_ai.invoke_agent.tool_calls", "outer"), 0.0);
    assert_eq!(sum_of("gen_ai.invoke_agent.tool_calls", "inner"), 1.0);

    // The failed agent and workflow say why in their duration metrics; the inner agent, which
    // succeeded, does not.
    let agents = capture.histogram("gen_ai.invoke_agent.duration");
    let mut seen: Vec<Vec<String>> = agents.iter().map(attrs_of).collect();
    seen.sort();
    assert_eq!(
        seen,
        [vec!["error.type=alloc::string::String", "gen_ai.agent.name=outer"], vec!["gen_ai.agent.name=inner"]]
    );
    let workflow = capture.histogram("gen_ai.workflow.duration");
    assert_eq!(
        workflow.iter().map(attrs_of).collect::<Vec<_>>(),
        [vec!["error.type=alloc::string::String", "gen_ai.workflow.name=broken"]]
    );
    let tools = capture.histogram("gen_ai.execute_tool.duration");
    for histogram in agents.iter().chain(&workflow).chain(&tools) {
        assert_eq!(histogram.bounds, DURATION_BUCKETS, "{}", histogram.name);
    }
    let tree = capture.tree();
    let outer = tree.find("invoke_agent outer").unwrap();
    assert_eq!(outer.int_attr("otel_genai.total.inference_calls"), Some(2), "its totals include the inner agent's");
    assert_eq!(outer.int_attr("otel_genai.total.tool_calls"), Some(1));
}

struct Delta {
    usage: Option<(u64, u64)>,
}

impl GenAiChunk for Delta {
    fn record_chunk(&self, summary: &mut StreamSummary) {
        summary.response_model("gpt-4o-mini-2024-07-18");
        if let Some((input, output)) = self.usage {
            summary.set_tokens(TokenCount::Input, input).set_tokens(TokenCount::Output, output);
        }
    }
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o-mini")]
async fn streamed() -> Result<impl Stream<Item = Delta>, String> {
    tokio::time::sleep(Duration::from_millis(3)).await;
    Ok(stream::iter([Delta { usage: None }, Delta { usage: None }, Delta { usage: Some((40, 3)) }]).then(
        |delta| async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            delta
        },
    ))
}

#[tokio::test]
async fn streams_record_time_to_first_chunk_time_per_chunk_usage_and_cost() {
    let capture = Capture::new();
    let chunks = capture.scope(async { streamed().await.unwrap().count().await }).await;
    assert_eq!(chunks, 3);
    let first = capture.histogram("gen_ai.client.operation.time_to_first_chunk");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].count, 1);
    assert!(first[0].sum >= 0.004, "the request and the first chunk: {}", first[0].sum);
    assert_eq!(
        first[0].bounds,
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0]
    );
    let per_chunk = capture.histogram("gen_ai.client.operation.time_per_output_chunk");
    assert_eq!(per_chunk[0].count, 2, "every chunk after the first");
    assert!(per_chunk[0].sum >= 0.002);
    let tokens = capture.histogram("gen_ai.client.token.usage");
    assert_eq!(tokens.iter().map(|h| h.sum).sum::<f64>(), 43.0);
    assert!(tokens.iter().all(|h| h.str_attr("gen_ai.response.model") == Some("gpt-4o-mini-2024-07-18")));
    let tree = capture.tree();
    let cost = (40.0 * 0.15 + 3.0 * 0.6) / 1e6;
    assert_eq!(tree.root().attr("gen_ai.usage.cost"), Some(&Value::F64(cost)));
}

#[gen_ai_chat(provider = "anthropic", model = "claude-sonnet-4")]
fn anthropic_chat() -> otel_genai::TokenUsage {
    // Anthropic's usage: 12 uncached input tokens, 1000 read from the cache, 200 written to it.
    otel_genai::TokenUsage::from_separate_cache(12, 1000, 200, 80)
}

#[test]
fn usage_counted_apart_from_the_cache_is_recorded_and_priced_as_the_conventions_count_it() {
    let capture = Capture::new();
    capture.in_scope(anthropic_chat);
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.int_attr("gen_ai.usage.input_tokens"), Some(1212), "every input token once");
    assert_eq!(span.int_attr("gen_ai.usage.cache_read.input_tokens"), Some(1000));
    assert_eq!(span.int_attr("gen_ai.usage.cache_creation.input_tokens"), Some(200));
    assert_eq!(span.int_attr("gen_ai.usage.output_tokens"), Some(80));
    // The built-in claude-sonnet-4 prices: 3 USD input, 0.30 cache read, 3.75 cache write,
    // 15 output, per million tokens.
    let expected = (12.0 * 3.0 + 1000.0 * 0.3 + 200.0 * 3.75 + 80.0 * 15.0) / 1e6;
    let Some(&Value::F64(cost)) = span.attr("gen_ai.usage.cost") else { panic!("no cost") };
    assert!((cost - expected).abs() < 1e-12, "{cost} != {expected}");
    let input = capture.histogram("gen_ai.client.token.usage");
    let input = input.iter().find(|h| h.str_attr("gen_ai.token.type") == Some("input")).unwrap();
    assert_eq!(input.sum, 1212.0);
}

#[gen_ai_chat(provider = "openai", model = "o3")]
fn reasoning_chat() -> otel_genai::TokenUsage {
    otel_genai::TokenUsage {
        input: 40,
        output: 300,
        cache_read_input: None,
        cache_creation_input: None,
        reasoning_output: Some(256),
    }
}

#[agent(name = "thinker")]
fn thinker() {
    anthropic_chat();
    reasoning_chat();
}

#[test]
fn an_agent_totals_every_kind_of_token_its_calls_report() {
    let capture = Capture::new();
    capture.in_scope(thinker);
    let tree = capture.tree();
    let agent = tree.root();
    for (total, expected) in [
        ("otel_genai.total.input_tokens", 1252),
        ("otel_genai.total.output_tokens", 380),
        ("otel_genai.total.cache_read.input_tokens", 1000),
        ("otel_genai.total.cache_creation.input_tokens", 200),
        ("otel_genai.total.reasoning.output_tokens", 256),
        ("otel_genai.total.inference_calls", 2),
    ] {
        assert_eq!(agent.int_attr(total), Some(expected), "{total}");
    }
}
