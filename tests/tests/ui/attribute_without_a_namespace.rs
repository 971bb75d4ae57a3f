fn main() {
    let steps = 3;
    otel_genai::reasoning!("plan ready", steps = steps);
}

#[otel_genai::tool(attributes(tier = "gold"))]
fn lookup() {}
