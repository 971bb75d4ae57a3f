#[derive(otel_genai::GenAiResponse)]
struct Response {
    #[gen_ai(flaten)]
    usage: u32,
}

fn main() {}
