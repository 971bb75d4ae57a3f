//! [async-openai](https://docs.rs/async-openai), recorded by itself (feature `async-openai`).
//!
//! Two ways in:
//!
//! - **The instrumented client**: wrap your `async_openai::Client` in [`Client`] and call
//!   `chat().create(..)`, `chat().create_stream(..)` and `embeddings().create(..)` as before.
//!   Every call is a `chat {model}` or `embeddings {model}` span (kind CLIENT) with the
//!   request's parameters, the response's id, model, finish reasons and token usage (cached
//!   and reasoning tokens included), `openai.*` service tier and system fingerprint, the
//!   provider and `server.address` / `server.port` from the client's base URL, cost, and the
//!   conventions' metrics; a stream's span lasts until the stream ends and records the time
//!   to its first chunk and between chunks.
//! - **The types alone**: async-openai's request, response, stream chunk and error types
//!   implement [`GenAiRequest`](crate::GenAiRequest), [`GenAiResponse`](crate::GenAiResponse),
//!   [`GenAiChunk`](crate::GenAiChunk) and [`ErrorType`](crate::ErrorType), so your own
//!   `#[gen_ai_chat(request = req)]` function returning `Result<CreateChatCompletionResponse,
//!   OpenAIError>` records all of the above too.
//!
//! With content capture on ([`capture_message_content`](crate::capture_message_content)),
//! the messages (system, user with images and audio, assistant with tool calls, tool
//! results), the tool definitions and the choices are recorded in the conventions' message
//! model; inline media keeps its type but not its bytes unless
//! [`set_record_inline_media`] says so.
//!
//! ```no_run
//! # async fn run() -> Result<(), async_openai::error::OpenAIError> {
//! use async_openai::config::OpenAIConfig;
//! use async_openai::types::chat::{ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs};
//!
//! let client = otel_genai::openai::Client::new(async_openai::Client::with_config(OpenAIConfig::new()));
//! let request = CreateChatCompletionRequestArgs::default()
//!     .model("gpt-4o-mini")
//!     .messages([ChatCompletionRequestUserMessage::from("What is OpenTelemetry?").into()])
//!     .build()?;
//! let response = client.chat().create(request).await?; // a `chat gpt-4o-mini` span
//! # drop(response);
//! # Ok(())
//! # }
//! ```
//!
//! Streams report token usage only when asked: set `stream_options.include_usage` on the
//! request (the wrapper does not, since the extra last chunk has no choices).
//!
//! TLS is your choice: turn on `rustls` or `native-tls` on your own `async-openai`
//! dependency (this crate enables neither, so that it adds no TLS stack of its own).

mod types;

use std::borrow::Cow;
use std::pin::Pin;

use async_openai::config::{Config, OpenAIConfig};
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    CreateChatCompletionRequest, CreateChatCompletionResponse, CreateChatCompletionStreamResponse,
};
use async_openai::types::embeddings::{CreateEmbeddingRequest, CreateEmbeddingResponse};
use futures_core::Stream;

pub use self::types::set_record_inline_media;

/// Where the calls go: the provider and server the spans name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Endpoint {
    provider: Cow<'static, str>,
    address: Option<String>,
    port: Option<u16>,
}

impl Endpoint {
    /// The provider and server of a base URL: `api.openai.com` is `openai`, Azure's hosts
    /// are `azure.ai.openai`, anything else is an OpenAI-compatible server: `openai`.
    fn of(base: &str) -> Endpoint {
        let (address, port) = crate::address::host_and_port(base);
        let host = address.as_deref().unwrap_or_default();
        let provider = if host.ends_with(".openai.azure.com") || host.ends_with(".services.ai.azure.com") {
            "azure.ai.openai"
        } else {
            "openai"
        };
        Endpoint { provider: Cow::Borrowed(provider), address, port }
    }
}

/// An `async_openai::Client` whose calls are recorded: the same `chat()` and
/// `embeddings()` calls, each a span with the conventions' attributes, metrics and cost.
///
/// The provider (`gen_ai.provider.name`) and `server.address` / `server.port` come from
/// the client's base URL; name another provider (an OpenAI-compatible server such as
/// vLLM, Ollama or Groq) with [`Client::with_provider`].
#[derive(Clone, Debug)]
pub struct Client<C: Config = OpenAIConfig> {
    inner: async_openai::Client<C>,
    endpoint: Endpoint,
}

impl<C: Config> Client<C> {
    /// Wraps `client`, reading its base URL for the provider and server.
    pub fn new(client: async_openai::Client<C>) -> Client<C> {
        let endpoint = Endpoint::of(client.config().api_base());
        Client { inner: client, endpoint }
    }

    /// Names the provider the spans record (`gen_ai.provider.name`): for OpenAI-compatible
    /// servers, such as `"groq"`, `"deepseek"` or `"ollama"` (prices are looked up by it).
    #[must_use]
    pub fn with_provider(mut self, provider: impl Into<Cow<'static, str>>) -> Client<C> {
        self.endpoint.provider = provider.into();
        self
    }

    /// The provider the spans record.
    pub fn provider(&self) -> &str {
        &self.endpoint.provider
    }

    /// The wrapped client, for the calls this wrapper does not record.
    pub fn inner(&self) -> &async_openai::Client<C> {
        &self.inner
    }

    /// Chat completions, recorded.
    pub fn chat(&self) -> Chat<'_, C> {
        Chat { client: self }
    }

    /// Embeddings, recorded.
    pub fn embeddings(&self) -> Embeddings<'_, C> {
        Embeddings { client: self }
    }
}

impl<C: Config> From<async_openai::Client<C>> for Client<C> {
    fn from(client: async_openai::Client<C>) -> Client<C> {
        Client::new(client)
    }
}

/// Chat completions of a [`Client`].
#[derive(Debug)]
pub struct Chat<'c, C: Config> {
    client: &'c Client<C>,
}

impl<C: Config> Chat<'_, C> {
    /// Creates a chat completion: a `chat {model}` span.
    #[crate::gen_ai_chat(
        crate = crate,
        provider = self.client.endpoint.provider.as_ref(),
        server_address = self.client.endpoint.address.as_deref(),
        server_port = self.client.endpoint.port,
        request = &request
    )]
    pub async fn create(
        &self,
        request: CreateChatCompletionRequest,
    ) -> Result<CreateChatCompletionResponse, OpenAIError> {
        self.client.inner.chat().create(request).await
    }

    /// Creates a streamed chat completion: a `chat {model}` span from the request to the
    /// stream's end, with the time to the first chunk and between chunks.
    // The return type is async-openai's `ChatCompletionResponseStream` spelled out: the
    // macro reads the stream's shape and item type from the signature.
    #[allow(clippy::type_complexity)]
    #[crate::gen_ai_chat(
        crate = crate,
        provider = self.client.endpoint.provider.as_ref(),
        server_address = self.client.endpoint.address.as_deref(),
        server_port = self.client.endpoint.port,
        request = &request
    )]
    pub async fn create_stream(
        &self,
        request: CreateChatCompletionRequest,
    ) -> Result<Pin<Box<dyn Stream<Item = Result<CreateChatCompletionStreamResponse, OpenAIError>> + Send>>, OpenAIError>
    {
        self.client.inner.chat().create_stream(request).await
    }
}

/// Embeddings of a [`Client`].
#[derive(Debug)]
pub struct Embeddings<'c, C: Config> {
    client: &'c Client<C>,
}

impl<C: Config> Embeddings<'_, C> {
    /// Creates embeddings: an `embeddings {model}` span.
    #[crate::embeddings(
        crate = crate,
        provider = self.client.endpoint.provider.as_ref(),
        server_address = self.client.endpoint.address.as_deref(),
        server_port = self.client.endpoint.port,
        request = &request
    )]
    pub async fn create(&self, request: CreateEmbeddingRequest) -> Result<CreateEmbeddingResponse, OpenAIError> {
        self.client.inner.embeddings().create(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_names_provider_and_server() {
        let openai = Endpoint::of("https://api.openai.com/v1");
        assert_eq!(
            (openai.provider.as_ref(), openai.address.as_deref(), openai.port),
            ("openai", Some("api.openai.com"), Some(443))
        );
        let azure = Endpoint::of("https://my-resource.openai.azure.com");
        assert_eq!((azure.provider.as_ref(), azure.port), ("azure.ai.openai", Some(443)));
        let local = Endpoint::of("http://127.0.0.1:8000/v1");
        assert_eq!(
            (local.provider.as_ref(), local.address.as_deref(), local.port),
            ("openai", Some("127.0.0.1"), Some(8000))
        );
        let ipv6 = Endpoint::of("http://[::1]/v1");
        assert_eq!((ipv6.address.as_deref(), ipv6.port), (Some("::1"), Some(80)));
        let ipv6_port = Endpoint::of("http://[::1]:9000");
        assert_eq!((ipv6_port.address.as_deref(), ipv6_port.port), (Some("::1"), Some(9000)));
    }
}
