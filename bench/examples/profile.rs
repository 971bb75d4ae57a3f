//! Runs one workload many times, for a profiler: `profile [tool|chat|agent] [macro|hand] [calls]`.

use otel_genai_bench::hand::Hand;
use otel_genai_bench::{complete, install_sdk, ours, request};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let workload = args.get(1).map_or("chat", String::as_str);
    let variant = args.get(2).map_or("macro", String::as_str);
    let calls: u32 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let provider = install_sdk();
    let hand = Hand::new();
    for _ in 0..calls {
        match (workload, variant) {
            ("tool", "macro") => drop(ours::tool("rust")),
            ("tool", _) => drop(hand.tool("rust")),
            ("chat", "macro") => drop(complete(ours::chat(&request()))),
            ("chat", _) => drop(complete(hand.chat(&request()))),
            ("agent", "macro") => drop(complete(ours::agent("rust"))),
            (_, _) => drop(complete(hand.agent("rust"))),
        }
    }
    let _ = provider.shutdown();
}
