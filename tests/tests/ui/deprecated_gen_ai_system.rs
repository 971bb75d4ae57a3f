#[otel_genai::agent(attributes(gen_ai.system = "openai"))]
fn run() {}

fn main() {}
