#[otel_genai::gen_ai_chat(provider = "openai", server = host)]
fn complete(host: &str) {
    let _ = host;
}

fn main() {}
