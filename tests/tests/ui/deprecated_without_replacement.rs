#[otel_genai::tool(attributes(gen_ai.prompt = "What is the capital of France?"))]
fn lookup() {}

fn main() {}
