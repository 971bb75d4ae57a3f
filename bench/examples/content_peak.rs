//! What a 1 MiB prompt costs with content capture on: time per call and the most memory
//! live at once during a call, against the same call with capture off.
//!
//! `cargo run --release -p otel-genai-bench --example content_peak`

use std::time::Instant;

use otel_genai::content::messages::{ChatMessage, FinishReason, OutputMessage, Part};
use otel_genai::content::{CONTENT_LIMIT, CaptureMode, set_capture_mode};
use otel_genai_bench::alloc_count::{CountingAllocator, peak_during};
use otel_genai_bench::install_sdk;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[derive(otel_genai::GenAiRequest)]
struct Request {
    model: String,
    #[gen_ai(input.messages)]
    messages: Vec<ChatMessage<'static>>,
}

#[derive(otel_genai::GenAiResponse)]
struct Response {
    #[gen_ai(output.messages)]
    choices: Vec<OutputMessage<'static>>,
}

#[otel_genai::gen_ai_chat(provider = "openai", request = req)]
fn chat(req: &Request) -> Response {
    Response {
        choices: vec![OutputMessage::new(
            vec![Part::text(format!("{} chars read", req.messages.len()))],
            FinishReason::Stop,
        )],
    }
}

fn main() {
    let provider = install_sdk();
    let prompt = "word ".repeat(1 << 18); // 1 MiB
    let request = Request { model: "gpt-4o".into(), messages: vec![ChatMessage::text("user", prompt)] };
    const CALLS: u32 = 50;
    for mode in [CaptureMode::NoContent, CaptureMode::SpanOnly] {
        set_capture_mode(mode);
        chat(&request); // warm
        let ((), peak) = peak_during(|| drop(chat(&request)));
        let start = Instant::now();
        for _ in 0..CALLS {
            chat(&request);
        }
        let per_call = start.elapsed() / CALLS;
        println!(
            "1 MiB prompt, {mode:?}: {per_call:?} per call, peak {peak} bytes live during a call (content limit {CONTENT_LIMIT} bytes)"
        );
    }
    let _ = provider.shutdown();
}
