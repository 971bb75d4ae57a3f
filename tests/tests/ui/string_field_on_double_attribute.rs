#[derive(otel_genai::GenAiRequest)]
struct Request {
    #[gen_ai(request.temperature)]
    temperature: String,
}

fn main() {}
