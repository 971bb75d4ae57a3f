//! Runs one workload many times, for a profiler:
//! `profile [tool|chat|agent|stream|stream1|spawn] [macro|hand] [calls]` (`stream` drains 32
//! chunks, `stream1` one).

use otel_genai_bench::hand::Hand;
use otel_genai_bench::{block_on, complete, drain, install_meters, install_sdk, ours, request};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let workload = args.get(1).map_or("chat", String::as_str);
    let variant = args.get(2).map_or("macro", String::as_str);
    let calls: u32 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let provider = install_sdk();
    // `METRICS=1`: a real meter provider too, and hand-written code recording the same metrics.
    let meters = std::env::var_os("METRICS").map(|_| install_meters());
    let hand = if meters.is_some() { Hand::with_metrics() } else { Hand::new() };
    for _ in 0..calls {
        match (workload, variant) {
            ("tool", "macro") => drop(ours::tool("rust")),
            ("tool", _) => drop(hand.tool("rust")),
            ("chat", "macro") => drop(complete(ours::chat(&request()))),
            ("chat", _) => drop(complete(hand.chat(&request()))),
            ("agent", "macro") => drop(complete(ours::agent("rust"))),
            ("agent", _) => drop(complete(hand.agent("rust"))),
            ("stream", "macro") => assert_eq!(drain(ours::stream_chat(&request(), 32)), 32),
            ("stream", _) => assert_eq!(drain(hand.stream_chat(&request(), 32)), 32),
            ("stream1", "macro") => assert_eq!(drain(ours::stream_chat(&request(), 1)), 1),
            ("stream1", _) => assert_eq!(drain(hand.stream_chat(&request(), 1)), 1),
            ("spawn", "macro") => assert_eq!(block_on(ours::spawner("rust")), 4),
            ("spawn", _) => assert_eq!(block_on(hand.spawner("rust")), 4),
            (other, _) => panic!("unknown workload {other}"),
        }
    }
    let _ = provider.shutdown();
    if let Some(meters) = meters {
        let _ = meters.shutdown();
    }
}
