#[otel_genai::gen_ai_chat(provider = "openai", model = "gpt-4o", attributes(gen_ai.usage.input_tokens = 3))]
fn complete() {}

fn main() {}
