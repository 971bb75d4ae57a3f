#[otel_genai::gen_ai_chat(provider = "openai", model = 4)]
fn complete() {}

fn main() {}
