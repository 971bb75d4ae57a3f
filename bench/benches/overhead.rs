//! What an instrumented call costs: each workload five ways (and the disabled cases),
//! measured in one run, then allocations per call.
//!
//! `cargo bench -p otel-genai-bench --bench overhead`; `python3 bench/report.py` prints the
//! table of medians and ratios from the run.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use otel_genai_bench::alloc_count::{CountingAllocator, per_call};
use otel_genai_bench::hand::Hand;
use otel_genai_bench::{
    bare, block_on, complete, drain, install_meters, install_noop, install_sdk, interleaved, ours, request,
    sdk_provider, traced, uninstall_meters,
};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// One workload: a name and how to run it each way.
struct Workload {
    name: &'static str,
    bare: fn(),
    ours: fn(),
    hand: fn(&Hand),
    traced: fn(),
}

/// The streamed chat drained to its end, `$chunks` chunks, each way.
macro_rules! stream_workload {
    ($name:literal, $chunks:literal) => {
        Workload {
            name: $name,
            bare: || {
                black_box(drain(bare::stream_chat(black_box(&request()), $chunks)));
            },
            ours: || {
                black_box(drain(ours::stream_chat(black_box(&request()), $chunks)));
            },
            hand: |hand| {
                black_box(drain(hand.stream_chat(black_box(&request()), $chunks)));
            },
            traced: || {
                black_box(drain(traced::stream_chat(black_box(&request()), $chunks)));
            },
        }
    };
}

fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            name: "tool_sync",
            bare: || drop(black_box(bare::tool(black_box("rust")))),
            ours: || drop(black_box(ours::tool(black_box("rust")))),
            hand: |hand| drop(black_box(hand.tool(black_box("rust")))),
            traced: || drop(black_box(traced::tool(black_box("rust")))),
        },
        Workload {
            name: "chat_async",
            bare: || drop(black_box(complete(bare::chat(black_box(&request()))))),
            ours: || drop(black_box(complete(ours::chat(black_box(&request()))))),
            hand: |hand| drop(black_box(complete(hand.chat(black_box(&request()))))),
            traced: || drop(black_box(complete(traced::chat(black_box(&request()))))),
        },
        Workload {
            name: "agent_nested",
            bare: || drop(black_box(complete(bare::agent(black_box("rust"))))),
            ours: || drop(black_box(complete(ours::agent(black_box("rust"))))),
            hand: |hand| drop(black_box(complete(hand.agent(black_box("rust"))))),
            traced: || drop(black_box(complete(traced::agent(black_box("rust"))))),
        },
        // A streamed chat of one chunk, 32 and 512: the difference is what each chunk costs.
        stream_workload!("stream_1", 1),
        stream_workload!("stream_32", 32),
        stream_workload!("stream_512", 512),
        // An agent running a tool in a tokio task of its own, on a current-thread runtime.
        Workload {
            name: "spawn",
            bare: || {
                black_box(block_on(bare::spawner(black_box("rust"))));
            },
            ours: || {
                black_box(block_on(ours::spawner(black_box("rust"))));
            },
            hand: |hand| {
                black_box(block_on(hand.spawner(black_box("rust"))));
            },
            traced: || {
                black_box(block_on(traced::spawner(black_box("rust"))));
            },
        },
    ]
}

/// Calls a variant makes between two clock reads.
const BATCH: u64 = 32;

fn bench(c: &mut Criterion, workload: &Workload) {
    let mut group = c.benchmark_group(workload.name);
    group.bench_function(BenchmarkId::from_parameter("bare"), |b| b.iter(workload.bare));

    // One provider for the three recording variants, measured interleaved.
    let provider = install_sdk();
    {
        let _subscriber = tracing::subscriber::set_default(traced::subscriber(&provider));
        let hand = Hand::new();
        let hand_written = || (workload.hand)(&hand);
        let variants: [(&str, &dyn Fn()); 3] =
            [("hand_written", &hand_written), ("macro", &workload.ours), ("tracing", &workload.traced)];
        for (index, (name, measured)) in variants.iter().enumerate() {
            let others: Vec<&dyn Fn()> =
                variants.iter().enumerate().filter(|(other, _)| *other != index).map(|(_, (_, f))| *f).collect();
            group.bench_function(BenchmarkId::from_parameter(name), |b| {
                b.iter_custom(|iters| interleaved(iters, BATCH, *measured, &others))
            });
        }
    }
    let _ = provider.shutdown();

    install_noop();
    let hand = Hand::new();
    group
        .bench_function(BenchmarkId::from_parameter("hand_written_no_provider"), |b| b.iter(|| (workload.hand)(&hand)));
    group.bench_function(BenchmarkId::from_parameter("macro_no_provider"), |b| b.iter(workload.ours));
    group.bench_function(BenchmarkId::from_parameter("tracing_no_subscriber"), |b| b.iter(workload.traced));
    group.finish();
}

/// The same workload with a real meter provider installed too: hand-written code records
/// the same histograms with the same attributes (tool, chat and agent; the stream and spawn
/// hand-written variants record no metrics, so they are left out).
fn bench_metrics(c: &mut Criterion, workload: &Workload) {
    let mut group = c.benchmark_group(format!("{}+metrics", workload.name));
    let provider = install_sdk();
    let meters = install_meters();
    let hand = Hand::with_metrics();
    let hand_written = || (workload.hand)(&hand);
    let variants: [(&str, &dyn Fn()); 2] = [("hand_written", &hand_written), ("macro", &workload.ours)];
    for (index, (name, measured)) in variants.iter().enumerate() {
        let others = [variants[1 - index].1];
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_custom(|iters| interleaved(iters, BATCH, *measured, &others))
        });
    }
    group.finish();
    let _ = meters.shutdown();
    uninstall_meters();
    let _ = provider.shutdown();
    install_noop();
}

fn allocations(workload: &Workload) {
    const CALLS: u64 = 2_000;
    let provider = install_sdk();
    let hand = Hand::new();
    let hand_written = per_call(CALLS, || (workload.hand)(&hand));
    let ours = per_call(CALLS, workload.ours);
    let _ = provider.shutdown();
    let provider = sdk_provider();
    let tracing = {
        let _subscriber = tracing::subscriber::set_default(traced::subscriber(&provider));
        per_call(CALLS, workload.traced)
    };
    let _ = provider.shutdown();
    install_noop();
    let hand = Hand::new();
    let hand_no_provider = per_call(CALLS, || (workload.hand)(&hand));
    let ours_no_provider = per_call(CALLS, workload.ours);
    let bare = per_call(CALLS, workload.bare);
    println!(
        "allocations/call {:<13} bare {bare:>5.1} | hand_written {hand_written:>5.1} | macro {ours:>5.1} | tracing {tracing:>5.1} | no provider: hand_written {hand_no_provider:>5.1}, macro {ours_no_provider:>5.1}",
        workload.name
    );
}

/// The workloads whose hand-written variant records the same metrics as the macros.
const METERED: [&str; 3] = ["tool_sync", "chat_async", "agent_nested"];

fn main() {
    let workloads = workloads();
    let mut criterion = Criterion::default().configure_from_args();
    for workload in &workloads {
        bench(&mut criterion, workload);
    }
    for workload in workloads.iter().filter(|workload| METERED.contains(&workload.name)) {
        bench_metrics(&mut criterion, workload);
    }
    criterion.final_summary();
    for workload in &workloads {
        allocations(workload);
    }
}
