//! Shared pieces of the runnable examples: an OpenAI-compatible model server on loopback
//! (the demo model, so that every example runs offline with no key), and the client the
//! examples use, pointed at it or at a real endpoint.
//!
//! Every example prints each finished trace as a tree on the terminal, or, when the standard
//! variables name an OTLP endpoint, exports there instead:
//!
//! ```sh
//! cargo run --example research_agent
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 cargo run --example research_agent
//! OPENAI_API_KEY=... OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_MODEL=llama3.2 cargo run --example rag_chain
//! ```

pub mod model_server;
pub mod research;

pub use model_server::{ModelServer, client_from_env};

/// A chat request with a system prompt and one user message.
pub fn ask(
    model: &str,
    system: &str,
    user: impl Into<String>,
) -> async_openai::types::chat::CreateChatCompletionRequest {
    use async_openai::types::chat::{
        ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs,
    };
    CreateChatCompletionRequestArgs::default()
        .model(model)
        .temperature(0.2)
        .max_completion_tokens(512_u32)
        .messages([
            ChatCompletionRequestSystemMessage::from(system).into(),
            ChatCompletionRequestUserMessage::from(user.into()).into(),
        ])
        .build()
        .expect("a request with a model and messages is complete")
}

/// The text of a completion's first choice.
pub fn text(response: &async_openai::types::chat::CreateChatCompletionResponse) -> String {
    response.choices.first().and_then(|choice| choice.message.content.clone()).unwrap_or_default()
}
