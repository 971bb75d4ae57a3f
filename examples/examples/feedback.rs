//! User feedback on an earlier answer: the agent's span is referred to by a string a web
//! frontend can keep (`SpanRef`), and later — in another request, or another process — a
//! user's score becomes a `gen_ai.evaluation.result` event about that span, with a
//! `gen_ai.evaluation.score` histogram point by evaluation name.
//!
//! The event is a log record: it goes to the collector with the standard variables, and is
//! printed on the terminal here when no endpoint is set.
//!
//! ```sh
//! cargo run --example feedback
//! ```

use otel_genai::init::{Config, Exporter, Signal};
use otel_genai::openai::Client;
use otel_genai::{SpanRef, agent};
use otel_genai_examples::{ask, client_from_env, text};

/// Answers support questions.
#[agent(name = "support-agent")]
async fn support(
    client: &Client,
    model: &str,
    question: &str,
) -> Result<(String, String), async_openai::error::OpenAIError> {
    let response = client.chat().create(ask(model, "You answer support questions.", question)).await?;
    // What the frontend keeps next to the answer it shows, to send feedback later.
    let span_ref = SpanRef::current().expect("inside the agent's span").with_response_id(response.id.clone());
    Ok((text(&response), span_ref.to_string()))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut config = Config::from_env()?;
    // The evaluation event on the terminal, unless logs go over OTLP (any endpoint that
    // covers them) or OTEL_LOGS_EXPORTER says where they go.
    if config.otlp_target(Signal::Logs).is_none() && std::env::var_os("OTEL_LOGS_EXPORTER").is_none() {
        config = config.exporters(Signal::Logs, [Exporter::Console]);
    }
    let telemetry = otel_genai::init_with(config)?;
    let (client, model, _server) = client_from_env().await;

    let (answer, kept) = support(&client, &model, "How do I rotate my API key?").await?;
    println!("answer: {answer}\nkept by the frontend: {kept}\n");

    // Later, when the user clicks "helpful":
    let span_ref: SpanRef = kept.parse()?;
    otel_genai::evaluation(&span_ref, "user_feedback")
        .score(4.0)
        .label("helpful")
        .explanation("solved my problem")
        .emit();
    telemetry.flush();
    Ok(())
}
