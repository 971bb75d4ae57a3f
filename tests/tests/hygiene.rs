//! Every macro expands under `#![no_implicit_prelude]`: generated code names everything
//! by its full path, so it works whatever the user's crate has in scope. The file is also
//! under `clippy::pedantic` in CI through `-D warnings` on the workspace, so expansions
//! add no lint of their own.

#![no_implicit_prelude]
#![warn(clippy::pedantic)]

use ::otel_genai::testing::Capture;
use ::otel_genai::{GenAiRequest, GenAiResponse, agent, embeddings, gen_ai_chat, reasoning, retrieval, tool, workflow};
use ::std::clone::Clone;
use ::std::convert::From;
use ::std::string::String;
use ::std::vec::Vec;

// Names that shadow the prelude: generated code must not pick these up.
#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Result;
#[allow(dead_code)]
struct Some;
#[allow(dead_code)]
struct Vec2;

#[derive(GenAiRequest)]
struct Request {
    model: String,
    temperature: ::std::option::Option<f64>,
    #[gen_ai(flatten)]
    extra: Extra,
}

#[derive(GenAiRequest)]
struct Extra {
    #[gen_ai("app.tier")]
    tier: u8,
}

#[derive(GenAiResponse)]
struct Response {
    id: String,
    input_tokens: u32,
    #[gen_ai(output.messages)]
    messages: Vec<::otel_genai::content::messages::OutputMessage<'static>>,
}

#[gen_ai_chat(provider = "openai", request = req, server = "api.openai.com:443")]
async fn chat(req: &Request) -> ::std::result::Result<Response, String> {
    ::std::result::Result::Ok(Response { id: req.model.clone(), input_tokens: 1, messages: Vec::new() })
}

#[embeddings(provider = "openai", model = "e")]
fn embed() -> Vec<f32> {
    Vec::new()
}

#[retrieval(data_source = "kb")]
fn retrieve() -> ::std::option::Option<u8> {
    ::std::option::Option::None
}

#[agent(name = "hygienic", conversation_id = "c")]
async fn run() -> ::std::result::Result<u8, String> {
    let request =
        Request { model: String::from("m"), temperature: ::std::option::Option::None, extra: Extra { tier: 1 } };
    let response = chat(&request).await?;
    reasoning!("chatted", app.tokens = response.input_tokens);
    let _ = (embed(), retrieve(), step(2));
    let scope = ::otel_genai::propagate_attributes!(app.scope = 1_i64);
    let later = scope.run(async { later(1).await + boxed(2).await }).await;
    let chunks = ::futures::StreamExt::count(streamed().await?).await;
    ::std::assert_eq!((later, chunks), (3, 2));
    ::std::result::Result::Ok(1)
}

#[tool]
fn later(n: u8) -> impl ::std::future::Future<Output = u8> + ::std::marker::Send {
    async move { n }
}

#[tool]
fn boxed(n: u8) -> ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = u8> + ::std::marker::Send>> {
    ::std::boxed::Box::pin(async move { n })
}

#[gen_ai_chat(provider = "openai", model = "s")]
async fn streamed() -> ::std::result::Result<impl ::futures::Stream<Item = u8>, String> {
    ::std::result::Result::Ok(::futures::stream::iter([1_u8, 2]))
}

#[workflow]
fn flow() {}

/// A step.
#[tool(attributes(app.n = n))]
fn step(n: u8) -> u8 {
    n
}

#[test]
fn every_macro_expands_without_the_prelude() {
    let capture = Capture::new();
    capture.in_scope(flow);
    let runtime = ::tokio::runtime::Builder::new_current_thread().build().unwrap();
    let out = runtime.block_on(capture.scope(run()));
    ::std::assert_eq!(out, ::std::result::Result::Ok(1));
    ::std::assert_eq!(
        capture.tree().outline(),
        "invoke_workflow flow\ninvoke_agent hygienic\n  chat m\n  embeddings e\n  retrieval kb\n  execute_tool step\n  execute_tool later\n  execute_tool boxed\n  chat s\n"
    );
}
