#[otel_genai::tool(colour = "blue")]
fn lookup() {}

fn main() {}
