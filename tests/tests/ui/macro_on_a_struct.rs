#[otel_genai::tool]
struct Lookup;

fn main() {}
