trait Tools {
    #[otel_genai::tool]
    fn lookup(&self) -> u8;
}

fn main() {}
