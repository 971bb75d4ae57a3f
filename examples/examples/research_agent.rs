//! The research agent: plans with a chat call, runs two tools in parallel, and writes a
//! synthesis with a second chat call, against an in-process model (no network, no keys).
//!
//! `cargo run --example research_agent` prints each finished trace as a tree.

use std::time::Duration;

use otel_genai::{agent, gen_ai_chat, reasoning, tool};
use otel_genai_examples::{ApiError, ChatRequest, ChatResponse, LocalModel, Message};

#[gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
async fn complete(model: &LocalModel, req: &ChatRequest) -> Result<ChatResponse, ApiError> {
    model.complete(req).await
}

/// Searches the web and returns the titles of the best hits.
#[tool]
async fn web_search(query: &str) -> Result<Vec<String>, ApiError> {
    tokio::time::sleep(Duration::from_millis(15)).await;
    Ok(vec![format!("{query}: overview"), format!("{query}: reference")])
}

/// Fetches a page's text.
#[tool]
async fn fetch_page(url: &str) -> Result<String, ApiError> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    if url.contains("busy") {
        return Err(ApiError::RateLimited);
    }
    Ok(format!("contents of {url}"))
}

fn ask(model: &str, prompt: String) -> ChatRequest {
    ChatRequest {
        model: model.to_owned(),
        temperature: Some(0.2),
        max_tokens: Some(512),
        messages: vec![
            Message { role: "system", content: "You are a careful research assistant.".to_owned() },
            Message { role: "user", content: prompt },
        ],
    }
}

#[agent(name = "research-agent", conversation_id = session)]
async fn research(model: &LocalModel, session: &str, task: &str, source: &str) -> Result<String, ApiError> {
    let plan = complete(model, &ask("gpt-4o", format!("Plan the research: {task}"))).await?;
    reasoning!("plan ready", app.plan.steps = plan.text.lines().count());
    let (hits, page) = futures::join!(web_search(task), fetch_page(source));
    let mut notes = hits?;
    // A page that cannot be fetched is not fatal: the agent carries on without it.
    notes.extend(page.ok());
    let prompt =
        format!("Write the answer from the plan ({} steps) and notes: {}", plan.text.lines().count(), notes.join("; "));
    Ok(complete(model, &ask("gpt-4o", prompt)).await?.text)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _telemetry = otel_genai::init()?;
    let model = LocalModel::default();

    let answer = research(&model, "session-1", "how to trace LLM agents", "https://example.org/otel").await?;
    println!("answer: {answer}\n");

    let answer = research(&model, "session-2", "token cost of agents", "https://busy.example.org").await?;
    println!("answer: {answer}\n");
    Ok(())
}
