//! What the instrumented async-openai client adds to a chat call: the wrapped client
//! against the bare one, over real HTTP to an OpenAI-compatible server on loopback, with
//! an SDK tracer and meter provider installed; calls interleaved in batches, the order
//! rotating every round.
//!
//! `cargo bench -p otel-genai-bench --bench openai_client`

use std::hint::black_box;

use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, CreateChatCompletionRequestArgs,
};
use criterion::Criterion;
use otel_genai_bench::{install_meters, install_sdk, interleaved};
use otel_genai_examples::ModelServer;

fn request() -> CreateChatCompletionRequest {
    CreateChatCompletionRequestArgs::default()
        .model("gpt-4o-mini")
        .messages([ChatCompletionRequestUserMessage::from("What is OpenTelemetry?").into()])
        .temperature(0.5)
        .max_completion_tokens(256_u32)
        .build()
        .expect("request")
}

/// Calls a variant makes between two clock reads.
const BATCH: u64 = 16;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    // Its `gpt-4o-mini` answers at once with a fixed completion.
    let server = runtime.block_on(ModelServer::start());
    let config = OpenAIConfig::new().with_api_base(server.base_url()).with_api_key("sk-bench");
    let bare = async_openai::Client::with_config(config);
    let wrapped = otel_genai::openai::Client::new(bare.clone());
    let provider = install_sdk();
    let meters = install_meters();

    let bare_call = || {
        runtime.block_on(async { black_box(bare.chat().create(request()).await.expect("bare call")) });
    };
    let wrapped_call = || {
        runtime.block_on(async { black_box(wrapped.chat().create(request()).await.expect("wrapped call")) });
    };
    let variants: [(&str, &dyn Fn()); 2] = [("bare", &bare_call), ("wrapped", &wrapped_call)];
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("openai_chat_loopback");
    for (index, (name, measured)) in variants.iter().enumerate() {
        let other = variants[1 - index].1;
        group.bench_function(*name, |b| b.iter_custom(|iters| interleaved(iters, BATCH, *measured, &[other])));
    }
    group.finish();
    criterion.final_summary();
    let _ = meters.shutdown();
    let _ = provider.shutdown();
}
