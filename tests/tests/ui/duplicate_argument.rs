#[otel_genai::gen_ai_chat(provider = "openai", model = "a", model = "b")]
fn complete() {}

fn main() {}
