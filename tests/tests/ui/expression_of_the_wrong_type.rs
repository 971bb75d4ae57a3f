#[otel_genai::gen_ai_chat(provider = "openai", attributes(gen_ai.request.temperature = label))]
fn complete(label: &str) {
    let _ = label;
}

fn main() {}
