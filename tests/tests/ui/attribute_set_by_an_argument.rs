#[otel_genai::gen_ai_chat(provider = "openai", attributes(gen_ai.request.model = "gpt-4o"))]
fn complete() {}

fn main() {}
