#[otel_genai::gen_ai_chat(provider = "openai", attributes(gen_ai.output.type = "jsn"))]
fn complete() {}

fn main() {}
