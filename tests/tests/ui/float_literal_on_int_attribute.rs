#[otel_genai::gen_ai_chat(provider = "openai", attributes(gen_ai.request.max_tokens = 0.5))]
fn complete() {}

fn main() {}
