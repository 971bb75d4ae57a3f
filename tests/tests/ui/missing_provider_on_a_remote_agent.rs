#[otel_genai::agent(name = "support", remote)]
fn support() {}

fn main() {}
