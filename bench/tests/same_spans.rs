//! The comparison is fair: the hand-written variants produce the spans the macros produce,
//! with the same names, kinds, parents and attribute keys, and (with metrics) the same
//! histograms with the same attributes, counts and bounds.

use otel_genai::testing::Capture;
use otel_genai_bench::hand::Hand;
use otel_genai_bench::{block_on, complete, drain, ours, request};

/// Both tests install global providers: one at a time.
static GLOBAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _one_at_a_time = GLOBAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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

/// Each histogram data point as `name unit [attributes] count bounds`, and its sum where it
/// does not depend on timing, sorted.
fn points(capture: &Capture) -> Vec<String> {
    let mut points: Vec<String> = capture
        .histograms()
        .iter()
        .map(|h| {
            let attributes: Vec<String> = h.attributes.iter().map(|kv| format!("{}={}", kv.key, kv.value)).collect();
            let sum = if h.unit == "s" { String::new() } else { format!(" sum {}", h.sum) };
            format!("{} {} [{}] count {}{sum} bounds {:?}", h.name, h.unit, attributes.join(","), h.count, h.bounds)
        })
        .collect();
    points.sort();
    points
}

#[test]
fn hand_written_variants_record_the_metrics_the_macros_record() {
    let _one_at_a_time = GLOBAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    type Run = fn(&Hand);
    let workloads: [(&str, fn(), Run); 3] = [
        ("tool", || drop(ours::tool("rust")), |hand| drop(hand.tool("rust"))),
        ("chat", || drop(complete(ours::chat(&request()))), |hand| drop(complete(hand.chat(&request())))),
        ("agent", || drop(complete(ours::agent("rust"))), |hand| drop(complete(hand.agent("rust")))),
    ];
    for (name, ours, hand) in workloads {
        // A capture each, installed globally: metrics are cumulative, and the hand-written
        // code takes its instruments from the global meter provider when it is made.
        let capture = Capture::install_global();
        ours();
        let from_macros = points(&capture);
        let capture = Capture::install_global();
        hand(&Hand::with_metrics());
        assert_eq!(points(&capture), from_macros, "{name}");
        assert!(!from_macros.is_empty(), "{name}");
    }
}
