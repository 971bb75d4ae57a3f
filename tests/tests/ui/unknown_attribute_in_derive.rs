#[derive(otel_genai::GenAiRequest)]
struct Request {
    #[gen_ai(request.temperture)]
    temperature: f64,
}

fn main() {}
