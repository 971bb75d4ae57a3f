#[otel_genai::tool(attributes(gen_ai.operation.name = "chat"))]
fn lookup() {}

fn main() {}
