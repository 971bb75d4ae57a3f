#[otel_genai::gen_ai_chat(model = "gpt-4o")]
fn complete() {}

fn main() {}
