//! Functions returning streams: the span stays open until the stream ends, records the
//! response the chunks describe, and is the parent of work done while it is polled.

use std::pin::Pin;
use std::time::Duration;

use futures::stream::{self, BoxStream, Stream, StreamExt};
use opentelemetry::trace::Status;
use otel_genai::testing::Capture;
use otel_genai::{GenAiChunk, StreamSummary, TokenCount, agent, gen_ai_chat, tool};

/// A chunk as streaming chat clients yield it.
#[derive(Debug, Clone)]
struct Chunk {
    id: &'static str,
    text: &'static str,
    finish: Option<&'static str>,
    /// Usage, sent with the last chunk as a running total.
    usage: Option<(u64, u64)>,
}

impl GenAiChunk for Chunk {
    fn record_chunk(&self, summary: &mut StreamSummary) {
        summary.response_id(self.id).response_model("gpt-4o-2024-08-06");
        if let Some(reason) = self.finish {
            summary.finish_reason(0, reason);
        }
        if let Some((input, output)) = self.usage {
            summary.set_tokens(TokenCount::Input, input).set_tokens(TokenCount::Output, output);
        }
    }
}

fn chunks() -> Vec<Chunk> {
    vec![
        Chunk { id: "r-1", text: "Hel", finish: None, usage: None },
        Chunk { id: "r-1", text: "lo", finish: None, usage: None },
        Chunk { id: "r-1", text: "!", finish: Some("stop"), usage: Some((12, 3)) },
    ]
}

const FIRST_CHUNK: Duration = Duration::from_millis(20);

/// The shape of streaming chat clients: the request is sent, then the stream is returned.
#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
async fn chat_stream(fail: bool) -> Result<impl Stream<Item = Result<Chunk, String>> + Send, String> {
    tokio::time::sleep(FIRST_CHUNK).await;
    if fail {
        return Err("rate limited".to_owned());
    }
    Ok(stream::iter(chunks()).map(Ok))
}

#[tokio::test]
async fn a_completed_stream_records_its_response() {
    let capture = Capture::new();
    let text = capture
        .scope(async {
            let stream = chat_stream(false).await.unwrap();
            stream.map(|chunk| chunk.unwrap().text).collect::<String>().await
        })
        .await;
    assert_eq!(text, "Hello!");
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "chat gpt-4o");
    assert_eq!(span.attr("gen_ai.request.stream"), Some(&true.into()));
    assert_eq!(span.str_attr("gen_ai.response.id"), Some("r-1"));
    assert_eq!(span.str_attr("gen_ai.response.model"), Some("gpt-4o-2024-08-06"));
    assert_eq!(span.attr("gen_ai.response.finish_reasons"), Some(&crate::strings(&["stop"])));
    assert_eq!(span.int_attr("gen_ai.usage.input_tokens"), Some(12));
    assert_eq!(span.int_attr("gen_ai.usage.output_tokens"), Some(3));
    let Some(opentelemetry::Value::F64(first)) = span.attr("gen_ai.response.time_to_first_chunk") else {
        panic!("no time to first chunk: {:?}", span.data().attributes)
    };
    assert!(*first >= FIRST_CHUNK.as_secs_f64(), "measured from the request: {first}");
    assert_eq!(span.status(), &Status::Unset);
}

#[tokio::test]
async fn a_failed_request_records_the_error_and_ends() {
    let capture = Capture::new();
    let result = capture.scope(async { chat_stream(true).await.map(|_| ()) }).await;
    assert_eq!(result, Err("rate limited".to_owned()));
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.str_attr("error.type"), Some("alloc::string::String"));
    assert_eq!(span.status(), &Status::error("rate limited"));
    assert!(span.duration() >= FIRST_CHUNK);
}

#[tokio::test]
async fn a_stream_dropped_half_way_is_cancelled_with_what_it_saw() {
    let capture = Capture::new();
    capture
        .scope(async {
            let mut stream = Box::pin(chat_stream(false).await.unwrap());
            let first = stream.next().await.unwrap().unwrap();
            assert_eq!(first.text, "Hel");
            // Still open: the consumer has not finished.
            assert!(capture.spans().is_empty());
        })
        .await;
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.str_attr("error.type"), Some("cancelled"), "{tree}");
    assert_eq!(span.str_attr("gen_ai.response.id"), Some("r-1"));
    assert!(span.attr("gen_ai.response.finish_reasons").is_none());
    // The duration metric says so too.
    let durations = capture.histogram("gen_ai.client.operation.duration");
    let types: Vec<_> = durations.iter().map(|h| (h.str_attr("error.type"), h.count)).collect();
    assert_eq!(types, [(Some("cancelled"), 1)]);
}

/// A stream whose items fail: each error is recorded like a returned `Err`.
#[tool]
fn flaky_lines(
    lines: Vec<Result<&'static str, std::io::Error>>,
) -> impl Stream<Item = Result<&'static str, std::io::Error>> {
    stream::iter(lines)
}

#[tokio::test]
async fn an_error_item_is_recorded_and_the_stream_goes_on() {
    let capture = Capture::new();
    let items: Vec<_> = capture
        .scope(async {
            flaky_lines(vec![Ok("a"), Err(std::io::Error::other("disk on fire")), Ok("b")]).collect().await
        })
        .await;
    assert_eq!(items.len(), 3);
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.name(), "execute_tool flaky_lines");
    assert_eq!(span.str_attr("error.type"), Some("std::io::error::Error"));
    assert_eq!(span.status(), &Status::error("disk on fire"));
    assert_eq!(span.event_names(), ["exception"]);
}

#[tokio::test]
async fn a_stream_never_polled_records_nothing() {
    let capture = Capture::new();
    capture.in_scope(|| drop(flaky_lines(vec![Ok("a")])));
    capture.in_scope(|| drop(numbers(3)));
    assert!(capture.spans().is_empty(), "{}", capture.tree());
}

#[tool]
async fn double(n: u32) -> u32 {
    n * 2
}

/// Work done for each item runs under the stream's span.
#[tool]
fn numbers(count: u32) -> BoxStream<'static, u32> {
    stream::iter(0..count).then(double).boxed()
}

#[tokio::test]
async fn work_done_per_chunk_nests_under_the_stream() {
    let capture = Capture::new();
    let doubled: Vec<u32> = capture.scope(async { numbers(3).collect().await }).await;
    assert_eq!(doubled, [0, 2, 4]);
    let tree = capture.tree();
    assert_eq!(
        tree.outline(),
        "execute_tool numbers\n  execute_tool double\n  execute_tool double\n  execute_tool double\n",
        "{tree}"
    );
    // Items that are not `GenAiChunk`s are passed through with nothing to report.
    assert!(tree.root().attr("gen_ai.response.id").is_none());
    assert_eq!(tree.root().attr("gen_ai.request.stream"), Some(&true.into()));
}

/// A boxed stream inside a `Result`, returned by a plain function.
#[gen_ai_chat(provider = "openai", model = "gpt-4o-mini")]
#[allow(clippy::type_complexity)]
fn boxed_chat(reply: &'static str) -> Result<Pin<Box<dyn Stream<Item = Chunk> + Send>>, String> {
    if reply.is_empty() {
        return Err("empty prompt".to_owned());
    }
    let chunk = Chunk { id: "r-9", text: reply, finish: Some("length"), usage: None };
    Ok(Box::pin(stream::iter([chunk])))
}

#[tokio::test]
async fn a_boxed_stream_in_a_result_from_a_plain_function() {
    let capture = Capture::new();
    capture
        .scope(async {
            let texts: Vec<_> = boxed_chat("hi").unwrap().map(|chunk| chunk.text).collect().await;
            assert_eq!(texts, ["hi"]);
            assert!(boxed_chat("").is_err());
        })
        .await;
    let tree = capture.tree();
    let [done, failed] = tree.find_all("chat gpt-4o-mini")[..] else { panic!("{tree}") };
    assert_eq!(done.str_attr("gen_ai.response.id"), Some("r-9"));
    assert_eq!(done.attr("gen_ai.response.finish_reasons"), Some(&crate::strings(&["length"])));
    assert_eq!(failed.status(), &Status::error("empty prompt"));
}

#[agent(name = "streamer")]
async fn stream_twice() -> usize {
    let first = chat_stream(false).await.unwrap().count().await;
    let second = numbers(2).count().await;
    first + second
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_nest_under_the_agent_that_consumed_them() {
    let capture = Capture::new();
    assert_eq!(tokio::spawn(capture.scope(stream_twice())).await.unwrap(), 5);
    let tree = capture.tree();
    assert_eq!(
        tree.outline(),
        "invoke_agent streamer\n  chat gpt-4o\n  execute_tool numbers\n    execute_tool double\n    execute_tool double\n",
        "{tree}"
    );
}

#[tool]
fn exploding(after: u32) -> impl Stream<Item = u32> {
    stream::iter(0..).map(move |n| if n == after { panic!("boom at {n}") } else { n })
}

#[tokio::test]
async fn a_stream_that_panics_ends_its_span_as_a_panic() {
    let capture = Capture::new();
    let consumer = capture.scope(async { exploding(2).collect::<Vec<_>>().await });
    let outcome = tokio::spawn(consumer).await;
    assert!(outcome.unwrap_err().is_panic());
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.str_attr("error.type"), Some("panic"), "{tree}");
    assert_eq!(span.status(), &Status::error("panicked while polled"));
    assert_eq!(tree.len(), 1, "ended once");
}

#[tokio::test]
async fn an_error_item_then_dropping_the_stream_keeps_the_error() {
    let capture = Capture::new();
    capture
        .scope(async {
            let mut lines = Box::pin(flaky_lines(vec![Ok("a"), Err(std::io::Error::other("disk on fire")), Ok("b")]));
            while let Some(line) = lines.next().await {
                if line.is_err() {
                    break; // as `line?` does
                }
            }
        })
        .await;
    let tree = capture.tree();
    let span = tree.root();
    assert_eq!(span.str_attr("error.type"), Some("std::io::error::Error"), "{tree}");
    assert_eq!(span.status(), &Status::error("disk on fire"));
    assert_eq!(span.event_names(), ["exception"], "one failure, not a second for the drop");
}

/// A stream of streams: the outer span stays open while its inner stream's span does.
#[tool]
async fn relay() -> impl Stream<Item = u32> {
    numbers(3)
}

#[tokio::test]
async fn a_stream_cut_short_ends_its_inner_stream_first() {
    let capture = Capture::new();
    capture
        .scope(async {
            let mut relayed = Box::pin(relay().await);
            assert_eq!(relayed.next().await, Some(0));
        })
        .await;
    let tree = capture.tree();
    let outer = tree.find("execute_tool relay").unwrap();
    let inner = outer.child("execute_tool numbers").expect("nested");
    assert_eq!(inner.str_attr("error.type"), Some("cancelled"));
    assert!(inner.data().end_time <= outer.data().end_time, "the inner span ends first");
}

/// `impl Trait` with an arrow in its bounds, in a `Result`.
#[tool]
fn adder(by: u8) -> Result<impl Fn(u8) -> u8, String> {
    if by == 0 {
        return Err("nothing to add".to_owned());
    }
    Ok(move |n| n + by)
}

#[test]
fn impl_trait_with_an_arrow_in_a_result() {
    let capture = Capture::new();
    let add = capture.in_scope(|| adder(2)).unwrap();
    assert_eq!(add(1), 3);
    assert!(capture.in_scope(|| adder(0)).is_err());
    assert_eq!(capture.tree().find_all("execute_tool adder").len(), 2);
}
