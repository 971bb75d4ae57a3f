//! The comparison is fair: the hand-written variants produce the spans the macros produce,
//! with the same names, kinds, parents and attribute keys.

use otel_genai::testing::Capture;
use otel_genai_bench::hand::Hand;
use otel_genai_bench::{block_on, complete, drain, ours, request};

/// Each span as `parent > name [kind] keys`, sorted.
fn shapes(capture: &Capture) -> Vec<String> {
    let tree = capture.tree();
    let mut shapes: Vec<String> = tree
        .spans()
        .map(|span| {
            let mut keys: Vec<&str> = span.data().attributes.iter().map(|kv| kv.key.as_str()).collect();
            keys.sort();
            let parent = span.parent().map_or("-", |parent| parent.name());
            format!("{parent} > {} [{:?}] {}", span.name(), span.kind(), keys.join(","))
        })
        .collect();
    shapes.sort();
    shapes
}

#[test]
fn hand_written_variants_record_what_the_macros_record() {
    let capture = Capture::install_global();
    let hand = Hand::new();
    for (name, ours, hand) in [
        (
            "tool",
            Box::new(|| drop(ours::tool("rust"))) as Box<dyn Fn()>,
            Box::new(|| drop(hand.tool("rust"))) as Box<dyn Fn()>,
        ),
        (
            "chat",
            Box::new(|| drop(complete(ours::chat(&request())))),
            Box::new(|| drop(complete(hand.chat(&request())))),
        ),
        ("agent", Box::new(|| drop(complete(ours::agent("rust")))), Box::new(|| drop(complete(hand.agent("rust"))))),
        (
            "stream",
            Box::new(|| assert_eq!(drain(ours::stream_chat(&request(), 4)), 4)),
            Box::new(|| assert_eq!(drain(hand.stream_chat(&request(), 4)), 4)),
        ),
        (
            "spawn",
            Box::new(|| assert_eq!(block_on(ours::spawner("rust")), 4)),
            Box::new(|| assert_eq!(block_on(hand.spawner("rust")), 4)),
        ),
    ] {
        capture.clear();
        ours();
        let from_macros = shapes(&capture);
        capture.clear();
        hand();
        assert_eq!(shapes(&capture), from_macros, "{name}");
        assert!(!from_macros.is_empty());
    }
}
