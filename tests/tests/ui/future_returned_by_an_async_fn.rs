use std::future::Future;

#[otel_genai::tool]
async fn search(query: String) -> impl Future<Output = usize> {
    async move { query.len() }
}

fn main() {}
