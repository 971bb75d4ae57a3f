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
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use otel_genai_bench::{install_meters, install_sdk, interleaved};
use tokio::net::TcpListener;

const COMPLETION: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1767225600,
"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",
"content":"OpenTelemetry is an observability framework."},"finish_reason":"stop"}],
"usage":{"prompt_tokens":120,"completion_tokens":40,"total_tokens":160}}"#;

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let _ = request.into_body().collect().await?;
    Ok(Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(COMPLETION.as_bytes())))
        .expect("response"))
}

async fn serve(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(answer))
                .await;
        });
    }
}

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
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let address = listener.local_addr().expect("address");
    runtime.spawn(serve(listener));
    let config = OpenAIConfig::new().with_api_base(format!("http://{address}/v1")).with_api_key("sk-bench");
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
