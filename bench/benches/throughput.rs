//! Spans per second from many tokio tasks on the multi-thread runtime: the agent workload
//! (five spans a call) with the macros and hand-written, rounds interleaved, one provider.
//!
//! `cargo bench -p otel-genai-bench --bench throughput`

use std::sync::Arc;
use std::time::Instant;

use otel_genai_bench::hand::Hand;
use otel_genai_bench::{install_sdk, ours};

const TASKS: usize = 64;
const CALLS_PER_TASK: usize = 500;
const SPANS_PER_CALL: usize = 5;
const ROUNDS: usize = 7;

async fn round(hand: Option<Arc<Hand>>) -> f64 {
    let start = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let hand = hand.clone();
            tokio::spawn(async move {
                for _ in 0..CALLS_PER_TASK {
                    let result = match &hand {
                        Some(hand) => hand.agent("rust").await,
                        None => ours::agent("rust").await,
                    };
                    assert!(result.is_ok());
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    (TASKS * CALLS_PER_TASK * SPANS_PER_CALL) as f64 / start.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    if std::env::args().any(|arg| arg == "--list" || arg == "--test") {
        return; // nothing for `cargo test --benches` to list or run
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let provider = install_sdk();
    let hand = Arc::new(Hand::new());
    let (mut ours_rates, mut hand_rates) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        round(None).await; // warm up
        for _ in 0..ROUNDS {
            ours_rates.push(round(None).await);
            hand_rates.push(round(Some(hand.clone())).await);
        }
    });
    let _ = provider.shutdown();
    let (ours, hand) = (median(ours_rates), median(hand_rates));
    println!(
        "throughput agent_nested ({TASKS} tasks x {CALLS_PER_TASK} calls x {SPANS_PER_CALL} spans, 2 worker threads, median of {ROUNDS} rounds): \
         macro {ours:.0} spans/s | hand_written {hand:.0} spans/s | macro / hand {:.2}",
        ours / hand
    );
}
