//! Concurrent chat calls under one parent: four questions asked at once inside a workflow,
//! each call its own span, all children of the workflow's span, their tokens and cost summed
//! on it.
//!
//! ```sh
//! cargo run --example parallel_calls
//! ```

use otel_genai::openai::Client;
use otel_genai::workflow;
use otel_genai_examples::{ask, client_from_env, text};

const QUESTIONS: [&str; 4] =
    ["What is a span?", "What is a trace?", "What does gen_ai.usage.input_tokens count?", "Why sample at span start?"];

#[workflow(name = "faq-batch")]
async fn answer_all(client: &Client, model: &str) -> Result<Vec<String>, async_openai::error::OpenAIError> {
    let chat = client.chat();
    let calls = QUESTIONS.iter().map(|question| chat.create(ask(model, "Answer in one sentence.", *question)));
    let responses = futures::future::try_join_all(calls).await?;
    Ok(responses.iter().map(text).collect())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _telemetry = otel_genai::init()?;
    let (client, model, _server) = client_from_env().await;
    for (question, answer) in QUESTIONS.iter().zip(answer_all(&client, &model).await?) {
        println!("{question}\n  {answer}");
    }
    println!();
    Ok(())
}
