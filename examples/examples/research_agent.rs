//! The research agent (`otel_genai_examples::research`): plans with a chat call, runs two tools
//! in parallel, and writes a synthesis with a second chat call. The model is the demo model
//! on loopback (real HTTP through the instrumented async-openai client), or a real endpoint
//! when `OPENAI_API_KEY` is set.
//!
//! ```sh
//! cargo run --example research_agent                       # trees on the terminal
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 \
//!   OTEL_SERVICE_NAME=research-agent cargo run --example research_agent   # and to a collector
//! ```

use otel_genai_examples::client_from_env;
use otel_genai_examples::research::research;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _telemetry = otel_genai::init()?;
    let (client, model, _server) = client_from_env().await;

    let answer = research(&client, &model, "session-1", "how to trace LLM agents", "https://example.org/otel").await?;
    println!("answer: {answer}\n");

    let answer = research(&client, &model, "session-2", "token cost of agents", "https://busy.example.org").await?;
    println!("answer: {answer}\n");
    Ok(())
}
