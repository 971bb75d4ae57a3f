#[otel_genai::tool(attributes(gen_ai.colour = "blue"))]
fn lookup() {}

fn main() {}
