#![deny(dead_code)]

#[otel_genai::tool]
fn never_called() {}

#[otel_genai::agent(name = "a")]
async fn never_run() {}

fn main() {}
