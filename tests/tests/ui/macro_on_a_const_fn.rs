#[otel_genai::tool]
const fn lookup() -> u8 {
    1
}

fn main() {
    let _ = lookup();
}
