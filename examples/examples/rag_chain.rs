//! A retrieval-augmented chain: retrieval from an in-memory knowledge base, routing (answer
//! from the documents, or say what is missing), then generation — each step its own span
//! under one workflow span.
//!
//! ```sh
//! cargo run --example rag_chain
//! ```

use otel_genai::openai::Client;
use otel_genai::{reasoning, retrieval, tool, workflow};
use otel_genai_examples::{ask, client_from_env, text};

const KNOWLEDGE: [(&str, &str); 4] = [
    ("spans", "A span records one operation: its name, kind, start and end, attributes and events."),
    ("sampling", "Samplers decide at span start, so the attributes they need must be set then."),
    ("tokens", "gen_ai.usage.input_tokens counts the prompt's tokens, cached ones included."),
    ("metrics", "gen_ai.client.operation.duration is a histogram of call durations in seconds."),
];

/// The documents sharing the most words with the question, best first.
#[retrieval(data_source = "kb-docs", attributes(gen_ai.retrieval.top_k = top_k as i64))]
async fn retrieve(question: &str, top_k: usize) -> Vec<(usize, &'static str)> {
    let words: Vec<String> =
        question.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != '_').map(str::to_owned).collect();
    let mut scored: Vec<(usize, &'static str)> = KNOWLEDGE
        .iter()
        .map(|(_, doc)| {
            (
                doc.to_lowercase()
                    .split_whitespace()
                    .filter(|w| words.iter().any(|q| q.len() > 3 && w.contains(q.as_str())))
                    .count(),
                *doc,
            )
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    scored.truncate(top_k);
    scored
}

/// Chooses how to answer: from the documents when any match, else by saying what is missing.
#[tool]
fn route(hits: &[(usize, &'static str)]) -> &'static str {
    if hits.is_empty() { "no_context" } else { "grounded" }
}

#[workflow(name = "rag-answer")]
async fn answer(client: &Client, model: &str, question: &str) -> Result<String, async_openai::error::OpenAIError> {
    let hits = retrieve(question, 2).await;
    let route = route(&hits);
    reasoning!("routed", app.rag.route = route, app.rag.hits = hits.len());
    let prompt = match route {
        "grounded" => {
            let context: Vec<&str> = hits.iter().map(|(_, doc)| *doc).collect();
            format!("Answer from these notes: {} Question: {question}", context.join(" "))
        }
        _ => format!("Say that the knowledge base has nothing on: {question}"),
    };
    Ok(text(&client.chat().create(ask(model, "Answer only from the notes given.", prompt)).await?))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _telemetry = otel_genai::init()?;
    let (client, model, _server) = client_from_env().await;
    for question in ["When do samplers decide, and which attributes do they need?", "How do I bake bread?"] {
        println!("{question}\n  {}\n", answer(&client, &model, question).await?);
    }
    Ok(())
}
