#[otel_genai::tool(provider = "openai")]
fn lookup() {}

fn main() {}
