//! With the `off` feature the macros compile the instrumentation away: functions run as
//! written and record nothing, yet their argument expressions still type-check and count
//! as uses. `cargo test -p otel-genai-tests --features off --test compiled_away`.

#![cfg(feature = "off")]
#![deny(unused)]

use otel_genai::testing::Capture;
use otel_genai::{GenAiRequest, GenAiResponse, agent, gen_ai_chat, reasoning, tool};

#[derive(GenAiRequest)]
struct Request {
    model: String,
}

#[derive(GenAiResponse)]
struct Response {
    id: String,
}

#[gen_ai_chat(provider = "openai", request = req)]
async fn chat(req: &Request) -> Result<Response, String> {
    Ok(Response { id: format!("{}-1", req.model) })
}

/// Looks up.
#[tool]
fn lookup(query: &str) -> usize {
    query.len()
}

// `session` is used only by the macro argument: no `unused_variables` with `off` either.
#[agent(name = "off-agent", conversation_id = session)]
async fn run(session: &str) -> Result<usize, String> {
    let response = chat(&Request { model: "m".to_owned() }).await?;
    reasoning!("chatted", app.id_len = response.id.len());
    Ok(lookup(&response.id))
}

#[tokio::test]
async fn functions_run_as_written_and_record_nothing() {
    let capture = Capture::new();
    assert_eq!(capture.scope(run("s")).await, Ok(3));
    assert!(capture.spans().is_empty(), "{}", capture.tree());
    let mut attrs = otel_genai::Attributes::new(false);
    Request { model: "m".to_owned() }.record(&mut attrs);
    assert_eq!(attrs.len(), 1, "the derives still describe the types");
}
