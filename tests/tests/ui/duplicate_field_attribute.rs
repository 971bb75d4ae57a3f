#[derive(otel_genai::GenAiResponse)]
struct Response {
    id: String,
    #[gen_ai(response.id)]
    other_id: String,
}

fn main() {}
