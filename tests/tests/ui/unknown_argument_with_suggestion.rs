#[otel_genai::gen_ai_chat(provider = "openai", modle = "gpt-4o")]
fn complete() {}

fn main() {}
