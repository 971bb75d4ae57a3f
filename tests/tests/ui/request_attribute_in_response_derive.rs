#[derive(otel_genai::GenAiResponse)]
struct Response {
    #[gen_ai(request.model)]
    model: String,
}

fn main() {}
