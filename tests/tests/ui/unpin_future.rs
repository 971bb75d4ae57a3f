use std::future::Future;

#[otel_genai::tool]
fn ready(n: u8) -> impl Future<Output = u8> + Unpin {
    std::future::ready(n)
}

fn main() {}
