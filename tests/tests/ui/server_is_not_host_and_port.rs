#[otel_genai::gen_ai_chat(provider = "openai", server = "https://api.openai.com")]
fn complete() {}

fn main() {}
