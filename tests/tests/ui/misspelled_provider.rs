#[otel_genai::gen_ai_chat(provider = "opneai", model = "gpt-4o")]
fn complete() {}

fn main() {}
