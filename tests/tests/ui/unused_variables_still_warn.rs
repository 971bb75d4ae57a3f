#![deny(unused_variables)]

#[otel_genai::tool]
fn lookup(query: &str, limit: u32) -> u32 {
    let _ = query;
    0
}

#[otel_genai::agent(name = "a")]
async fn run(task: String) {}

fn main() {
    let _ = lookup("q", 1);
    let _ = run(String::new());
}
