#[otel_genai::tool]
unsafe extern "C" {
    fn lookup() -> u8;
}

fn main() {}
