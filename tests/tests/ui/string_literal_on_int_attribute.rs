#[otel_genai::tool(attributes(gen_ai.request.max_tokens = "many"))]
fn lookup() {}

fn main() {}
