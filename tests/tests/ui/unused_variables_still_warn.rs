#![deny(unused_variables)]

// A tool records its arguments (when content is captured), which uses them; one left out
// with `skip` is the user's alone, and the lint sees it.
#[otel_genai::tool(skip(limit))]
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
