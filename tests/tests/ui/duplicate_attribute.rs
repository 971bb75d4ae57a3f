#[otel_genai::tool(attributes(app.tenant = "a", app.tenant = "b"))]
fn lookup() {}

fn main() {}
