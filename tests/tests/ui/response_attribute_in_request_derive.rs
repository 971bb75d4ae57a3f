#[derive(otel_genai::GenAiRequest)]
struct Request {
    #[gen_ai(usage.input_tokens)]
    input_tokens: u32,
}

fn main() {}
