#[derive(otel_genai::GenAiRequest)]
struct Request {
    #[gen_ai(input.messages)]
    messages: Vec<String>,
}

fn main() {}
