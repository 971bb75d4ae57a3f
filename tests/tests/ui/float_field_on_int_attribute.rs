#[derive(otel_genai::GenAiRequest)]
struct Request {
    max_tokens: Option<f64>,
}

fn main() {}
