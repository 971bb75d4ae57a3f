#[otel_genai::gen_ai_chat(provider = "openai", operation = "chatt")]
fn complete() {}

fn main() {}
