//! The research agent of the demo: plans with a chat call, runs two tools in parallel (a
//! source that is busy makes one fail), notes a reasoning step, and writes a synthesis with a
//! second chat call. The `research_agent` example runs it twice (the second time with a
//! busy source); the tests of the `otel-genai` command export it to `otel-genai serve`.

use std::time::Duration;

use crate::{ask, text};
use otel_genai::openai::Client;
use otel_genai::{agent, reasoning, tool};

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
pub async fn research(
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
