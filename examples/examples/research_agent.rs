//! The research agent: plans with a chat call, runs two tools in parallel, and writes a
//! synthesis with a second chat call. The model is the demo model on loopback (real HTTP
//! through the instrumented async-openai client), or a real endpoint when `OPENAI_API_KEY`
//! is set.
//!
//! ```sh
//! cargo run --example research_agent                       # trees on the terminal
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 \
//!   OTEL_SERVICE_NAME=research-agent cargo run --example research_agent   # and to a collector
//! ```

use std::time::Duration;

use otel_genai::openai::Client;
use otel_genai::{agent, reasoning, tool};
use otel_genai_examples::{ask, client_from_env, text};

/// Why a tool failed.
#[derive(Debug)]
enum ToolError {
    RateLimited,
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rate limited, retry later")
    }
}

impl std::error::Error for ToolError {}

impl otel_genai::ErrorType for ToolError {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        "rate_limited".into()
    }
}

/// Searches the web and returns the titles of the best hits.
#[tool]
async fn web_search(query: &str) -> Result<Vec<String>, ToolError> {
    tokio::time::sleep(Duration::from_millis(15)).await;
    Ok(vec![format!("{query}: overview"), format!("{query}: reference")])
}

/// Fetches a page's text.
#[tool]
async fn fetch_page(url: &str) -> Result<String, ToolError> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    if url.contains("busy") {
        return Err(ToolError::RateLimited);
    }
    Ok(format!("contents of {url}"))
}

const SYSTEM: &str = "You are a careful research assistant.";

#[agent(name = "research-agent", conversation_id = session)]
async fn research(
    client: &Client,
    model: &str,
    session: &str,
    task: &str,
    source: &str,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let plan = text(&client.chat().create(ask(model, SYSTEM, format!("Plan the research: {task}"))).await?);
    reasoning!("plan ready", app.plan.steps = plan.lines().count());
    let (hits, page) = futures::join!(web_search(task), fetch_page(source));
    let mut notes = hits?;
    // A page that cannot be fetched is not fatal: the agent carries on without it.
    notes.extend(page.ok());
    let prompt =
        format!("Write the answer from the plan ({} steps) and notes: {}", plan.lines().count(), notes.join("; "));
    Ok(text(&client.chat().create(ask(model, SYSTEM, prompt)).await?))
}

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
