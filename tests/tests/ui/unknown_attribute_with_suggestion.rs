#[otel_genai::tool(attributes(gen_ai.request.temperture = 0.5))]
fn lookup() {}

fn main() {}
