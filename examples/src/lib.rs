//! Shared pieces of the runnable examples: a deterministic in-process chat model with
//! request and response types that describe themselves to otel-genai.

use std::fmt;
use std::time::Duration;

use otel_genai::{ErrorType, GenAiRequest, GenAiResponse};

/// One chat message of the application.
#[derive(Debug, Clone)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: &'static str,
    /// The text.
    pub content: String,
}

/// How the messages are recorded (when content capture is on): converted into the
/// conventions' message model, whose JSON backends know how to read.
impl otel_genai::content::messages::ToChatMessage for Message {
    fn to_chat_message(&self) -> otel_genai::content::messages::ChatMessage<'_> {
        otel_genai::content::messages::ChatMessage::text(self.role, self.content.as_str())
    }
}

/// A chat completion request. Its fields become the span's start attributes.
#[derive(Debug, Clone, GenAiRequest)]
pub struct ChatRequest {
    /// The model asked for.
    #[gen_ai(request.model)]
    pub model: String,
    /// Sampling temperature.
    #[gen_ai(request.temperature)]
    pub temperature: Option<f64>,
    /// Output token limit.
    #[gen_ai(request.max_tokens)]
    pub max_tokens: Option<u32>,
    /// The conversation so far: recorded only when content capture is on.
    #[gen_ai(input.messages)]
    pub messages: Vec<Message>,
}

/// Token usage of one completion: `gen_ai.usage.input_tokens` and `.output_tokens`,
/// named after the fields.
#[derive(Debug, Clone, Copy, GenAiResponse)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u32,
    /// Completion tokens.
    pub output_tokens: u32,
}

/// A chat completion. Its fields become the span's response attributes.
#[derive(Debug, Clone, GenAiResponse)]
pub struct ChatResponse {
    /// Provider's id of the completion.
    #[gen_ai(response.id)]
    pub id: String,
    /// The model that answered.
    #[gen_ai(response.model)]
    pub model: String,
    /// Why generation stopped.
    #[gen_ai(response.finish_reasons)]
    pub finish_reasons: Vec<String>,
    /// The answer.
    #[gen_ai(skip)]
    pub text: String,
    /// Token usage.
    #[gen_ai(flatten)]
    pub usage: Usage,
}

/// What a model call can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// Too many requests.
    RateLimited,
    /// The prompt is empty.
    EmptyPrompt,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::RateLimited => f.write_str("rate limited, retry later"),
            ApiError::EmptyPrompt => f.write_str("the prompt has no messages"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ErrorType for ApiError {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        match self {
            ApiError::RateLimited => "rate_limited".into(),
            ApiError::EmptyPrompt => "invalid_request".into(),
        }
    }
}

/// A deterministic stand-in for a hosted chat model: answers from the prompt, counts a
/// token a word, and takes a few milliseconds, so a demo needs no network and no key.
#[derive(Debug, Clone)]
pub struct LocalModel {
    /// The model version that "answers".
    pub version: &'static str,
    /// How long one completion takes.
    pub latency: Duration,
}

impl Default for LocalModel {
    fn default() -> Self {
        LocalModel { version: "gpt-4o-2024-08-06", latency: Duration::from_millis(25) }
    }
}

impl LocalModel {
    /// Answers the last user message.
    pub async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, ApiError> {
        tokio::time::sleep(self.latency).await;
        let last = request.messages.last().ok_or(ApiError::EmptyPrompt)?;
        let text = if last.content.starts_with("Plan") {
            "1. search: rust opentelemetry genai\n2. search: semantic conventions agents".to_owned()
        } else {
            format!("Summary: {}", last.content.split_whitespace().take(12).collect::<Vec<_>>().join(" "))
        };
        let input_tokens = request.messages.iter().map(|m| m.content.split_whitespace().count() as u32).sum();
        let output_tokens = text.split_whitespace().count() as u32;
        Ok(ChatResponse {
            id: format!("chatcmpl-{:08x}", input_tokens * 7919 + output_tokens),
            model: self.version.to_owned(),
            finish_reasons: vec!["stop".to_owned()],
            text,
            usage: Usage { input_tokens, output_tokens },
        })
    }
}
