#[derive(otel_genai::GenAiResponse)]
struct Usage {
    #[gen_ai(usage.prompt_tokens)]
    prompt_tokens: u32,
}

fn main() {}
