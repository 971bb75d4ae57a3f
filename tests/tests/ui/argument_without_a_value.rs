#[otel_genai::gen_ai_chat(provider = "openai", model)]
fn complete() {}

fn main() {}
