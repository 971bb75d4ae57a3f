//! What async-openai's chat and embeddings types record: request and response attributes,
//! stream chunks, error types, and the messages, choices and tool definitions in the
//! conventions' message model.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatChoice, ChatCompletionMessageToolCalls, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestAssistantMessageContentPart, ChatCompletionRequestDeveloperMessageContent,
    ChatCompletionRequestDeveloperMessageContentPart, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestSystemMessageContentPart,
    ChatCompletionRequestToolMessageContent, ChatCompletionRequestToolMessageContentPart,
    ChatCompletionRequestUserMessageContent, ChatCompletionRequestUserMessageContentPart, ChatCompletionTools,
    CompletionUsage, CreateChatCompletionRequest, CreateChatCompletionResponse, CreateChatCompletionStreamResponse,
    FinishReason as OpenAiFinishReason, InputAudioFormat, ResponseFormat, ResponseModalities, ServiceTier,
    StopConfiguration,
};
use async_openai::types::embeddings::{CreateEmbeddingRequest, CreateEmbeddingResponse, EncodingFormat};
use serde_json::{Map, Value};

use crate::content::messages::{
    ChatMessage, FinishReason, Modality, OutputMessage, Part, Role, ToChatMessage, ToOutputMessage, ToToolDefinition,
    ToolDefinition,
};
use crate::semconv::attr;
use crate::{Attributes, ErrorType, GenAiChunk, GenAiRequest, GenAiResponse, StreamSummary, TokenCount};

static INLINE_MEDIA: AtomicBool = AtomicBool::new(false);

/// Records the base64 data of inline media (`data:` image URLs, input audio, file data)
/// in captured messages. Off by default: such parts are recorded as `blob` parts with their
/// modality and MIME type and an empty `content`, so that a screenshot does not put
/// megabytes into every span. Content capture must be on for any message to be recorded.
pub fn set_record_inline_media(record: bool) {
    INLINE_MEDIA.store(record, Ordering::Relaxed);
}

fn inline_media() -> bool {
    INLINE_MEDIA.load(Ordering::Relaxed)
}

/// `gen_ai.response.finish_reasons` spells OpenAI's reasons as OpenAI does.
pub(crate) fn finish_reason_name(reason: OpenAiFinishReason) -> &'static str {
    match reason {
        OpenAiFinishReason::Stop => "stop",
        OpenAiFinishReason::Length => "length",
        OpenAiFinishReason::ToolCalls => "tool_calls",
        OpenAiFinishReason::ContentFilter => "content_filter",
        OpenAiFinishReason::FunctionCall => "function_call",
    }
}

fn service_tier_name(tier: &ServiceTier) -> &'static str {
    match tier {
        ServiceTier::Auto => "auto",
        ServiceTier::Default => "default",
        ServiceTier::Flex => "flex",
        ServiceTier::Scale => "scale",
        ServiceTier::Priority => "priority",
        ServiceTier::Fast => "fast",
    }
}

impl GenAiRequest for CreateChatCompletionRequest {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set(attr::GEN_AI_REQUEST_MODEL, self.model.as_str());
        attrs.set_double(attr::GEN_AI_REQUEST_TEMPERATURE, &self.temperature);
        attrs.set_double(attr::GEN_AI_REQUEST_TOP_P, &self.top_p);
        attrs.set_double(attr::GEN_AI_REQUEST_FREQUENCY_PENALTY, &self.frequency_penalty);
        attrs.set_double(attr::GEN_AI_REQUEST_PRESENCE_PENALTY, &self.presence_penalty);
        #[allow(deprecated)] // still sent by many clients, and by OpenAI-compatible servers
        let (max_tokens, seed) = (self.max_completion_tokens.or(self.max_tokens), self.seed);
        attrs.set(attr::GEN_AI_REQUEST_MAX_TOKENS, max_tokens);
        attrs.set(attr::GEN_AI_REQUEST_SEED, seed);
        // The conventions ask for the choice count only when it is not 1.
        attrs.set(attr::GEN_AI_REQUEST_CHOICE_COUNT, self.n.filter(|n| *n != 1));
        match &self.stop {
            Some(StopConfiguration::String(stop)) => {
                attrs.set(attr::GEN_AI_REQUEST_STOP_SEQUENCES, vec![stop.as_str()]);
            }
            Some(StopConfiguration::StringArray(stops)) => {
                attrs.set(attr::GEN_AI_REQUEST_STOP_SEQUENCES, stops.iter().map(String::as_str).collect::<Vec<_>>());
            }
            None => {}
        }
        let speech = self.modalities.as_ref().is_some_and(|modalities| modalities.contains(&ResponseModalities::Audio));
        let output_type = match &self.response_format {
            _ if speech => Some("speech"),
            Some(ResponseFormat::Text) => Some("text"),
            Some(ResponseFormat::JsonObject | ResponseFormat::JsonSchema { .. }) => Some("json"),
            None => None,
        };
        attrs.set(attr::GEN_AI_OUTPUT_TYPE, output_type);
        attrs.set(attr::OPENAI_REQUEST_SERVICE_TIER, self.service_tier.as_ref().map(service_tier_name));
        if self.stream == Some(true) {
            attrs.set(attr::GEN_AI_REQUEST_STREAM, true);
        }
        if attrs.capture_content() {
            attrs.set_input_messages(attr::GEN_AI_INPUT_MESSAGES, &self.messages);
            attrs.set_tool_definitions(attr::GEN_AI_TOOL_DEFINITIONS, &self.tools);
        }
    }
}

/// Usage as the conventions count it: cached prompt tokens are part of the input tokens
/// and reasoning tokens part of the output tokens, as OpenAI reports them.
fn record_usage(usage: &CompletionUsage, mut set: impl FnMut(TokenCount, u32)) {
    set(TokenCount::Input, usage.prompt_tokens);
    set(TokenCount::Output, usage.completion_tokens);
    if let Some(cached) = usage.prompt_tokens_details.as_ref().and_then(|details| details.cached_tokens) {
        set(TokenCount::CacheReadInput, cached);
    }
    if let Some(reasoning) = usage.completion_tokens_details.as_ref().and_then(|details| details.reasoning_tokens) {
        set(TokenCount::ReasoningOutput, reasoning);
    }
}

impl GenAiResponse for CreateChatCompletionResponse {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set(attr::GEN_AI_RESPONSE_ID, self.id.as_str());
        attrs.set(attr::GEN_AI_RESPONSE_MODEL, self.model.as_str());
        let reasons: Vec<&str> =
            self.choices.iter().filter_map(|choice| choice.finish_reason.map(finish_reason_name)).collect();
        if !reasons.is_empty() {
            attrs.set(attr::GEN_AI_RESPONSE_FINISH_REASONS, reasons);
        }
        if let Some(usage) = &self.usage {
            record_usage(usage, |count, tokens| {
                attrs.set(count.attribute(), tokens);
            });
        }
        attrs.set(attr::OPENAI_RESPONSE_SERVICE_TIER, self.service_tier.as_ref().map(service_tier_name));
        #[allow(deprecated)] // OpenAI still sends it, and it tells backend changes apart
        attrs.set(attr::OPENAI_RESPONSE_SYSTEM_FINGERPRINT, self.system_fingerprint.as_deref());
        if attrs.capture_content() {
            attrs.set_output_messages(attr::GEN_AI_OUTPUT_MESSAGES, &self.choices);
        }
    }
}

impl GenAiChunk for CreateChatCompletionStreamResponse {
    fn record_chunk(&self, summary: &mut StreamSummary) {
        summary.response_id(&self.id).response_model(&self.model);
        for choice in &self.choices {
            if let Some(text) = &choice.delta.content {
                summary.append_text(choice.index as usize, text);
            }
            for call in choice.delta.tool_calls.iter().flatten() {
                let function = call.function.as_ref();
                summary.tool_call_delta(
                    choice.index as usize,
                    call.index as usize,
                    call.id.as_deref(),
                    function.and_then(|function| function.name.as_deref()),
                    function.and_then(|function| function.arguments.as_deref()),
                );
            }
            if let Some(reason) = choice.finish_reason {
                summary.finish_reason(choice.index as usize, finish_reason_name(reason));
            }
        }
        if let Some(usage) = &self.usage {
            record_usage(usage, |count, tokens| {
                summary.set_tokens(count, u64::from(tokens));
            });
        }
        if let Some(tier) = &self.service_tier {
            summary.attribute(attr::OPENAI_RESPONSE_SERVICE_TIER, service_tier_name(tier));
        }
        #[allow(deprecated)]
        if let Some(fingerprint) = &self.system_fingerprint {
            summary.attribute(attr::OPENAI_RESPONSE_SYSTEM_FINGERPRINT, fingerprint);
        }
    }
}

impl GenAiRequest for CreateEmbeddingRequest {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set(attr::GEN_AI_REQUEST_MODEL, self.model.as_str());
        attrs.set(attr::GEN_AI_EMBEDDINGS_DIMENSION_COUNT, self.dimensions);
        let format = match self.encoding_format {
            Some(EncodingFormat::Base64) => "base64",
            Some(EncodingFormat::Float) | None => "float",
        };
        attrs.set(attr::GEN_AI_REQUEST_ENCODING_FORMATS, vec![format]);
    }
}

impl GenAiResponse for CreateEmbeddingResponse {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set(attr::GEN_AI_RESPONSE_MODEL, self.model.as_str());
        attrs.set(attr::GEN_AI_USAGE_INPUT_TOKENS, self.usage.prompt_tokens);
        if let Some(first) = self.data.first() {
            attrs.set(attr::GEN_AI_EMBEDDINGS_DIMENSION_COUNT, first.embedding.len());
        }
    }
}

/// `error.type`, a low-cardinality code: what went wrong, never a type path.
///
/// | error | `error.type` |
/// |---|---|
/// | HTTP 429 | `rate_limited` |
/// | HTTP 408, 504, a client timeout | `timeout` |
/// | HTTP 400, 422 | `invalid_request` |
/// | HTTP 401 | `authentication` |
/// | HTTP 403 | `permission_denied` |
/// | HTTP 404 | `not_found` |
/// | other HTTP 4xx, 5xx | `4xx`, `5xx` |
/// | no connection | `connection` |
/// | a response that did not parse | `invalid_response` |
/// | a broken event stream | `stream` |
/// | an invalid argument, caught before sending | `invalid_argument` |
impl ErrorType for OpenAIError {
    fn error_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            OpenAIError::ApiError(response) => match response.status_code.as_u16() {
                429 => "rate_limited",
                408 | 504 => "timeout",
                400 | 422 => "invalid_request",
                401 => "authentication",
                403 => "permission_denied",
                404 => "not_found",
                400..=499 => "4xx",
                500..=599 => "5xx",
                _ => "http",
            },
            OpenAIError::Reqwest(error) if error.is_timeout() => "timeout",
            OpenAIError::Reqwest(error) if error.is_connect() => "connection",
            OpenAIError::Reqwest(error) if error.is_decode() => "invalid_response",
            OpenAIError::Reqwest(_) => "http",
            OpenAIError::JSONDeserialize(..) => "invalid_response",
            OpenAIError::StreamError(_) => "stream",
            OpenAIError::InvalidArgument(_) => "invalid_argument",
            #[allow(unreachable_patterns)] // file errors, and variants of other features
            _ => "_OTHER",
        })
    }
}

// ---- the message model ----

/// `data:image/png;base64,AAAA` → (`image/png`, `AAAA`).
fn data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (header, data) = rest.split_once(',')?;
    let mime = header.strip_suffix(";base64").unwrap_or(header);
    Some((mime, data))
}

fn modality_of(mime: &str) -> Modality {
    match mime.split('/').next() {
        Some("image") => Modality::Image,
        Some("audio") => Modality::Audio,
        Some("video") => Modality::Video,
        _ => Modality::Document,
    }
}

/// Inline data, as a `blob` part: its bytes only when [`set_record_inline_media`] asks.
fn blob<'a>(modality: Modality, mime_type: Option<&str>, data: &'a str) -> Part<'a> {
    let content = if inline_media() { Cow::Borrowed(data) } else { Cow::Borrowed("") };
    Part::Blob { modality, mime_type: mime_type.map(str::to_owned), content }
}

fn user_part(part: &ChatCompletionRequestUserMessageContentPart) -> Part<'_> {
    match part {
        ChatCompletionRequestUserMessageContentPart::Text(text) => Part::text(text.text.as_str()),
        ChatCompletionRequestUserMessageContentPart::ImageUrl(image) => match data_url(&image.image_url.url) {
            Some((mime, data)) => blob(modality_of(mime), Some(mime), data),
            None => Part::Uri { modality: Modality::Image, mime_type: None, uri: image.image_url.url.clone() },
        },
        ChatCompletionRequestUserMessageContentPart::InputAudio(audio) => {
            let mime = match audio.input_audio.format {
                InputAudioFormat::Mp3 => "audio/mpeg",
                InputAudioFormat::Wav => "audio/wav",
            };
            blob(Modality::Audio, Some(mime), &audio.input_audio.data)
        }
        ChatCompletionRequestUserMessageContentPart::File(file) => {
            let file = &file.file;
            match (&file.file_id, &file.file_data) {
                (Some(id), _) => Part::File { modality: Modality::Document, mime_type: None, file_id: id.clone() },
                (None, Some(data)) => match data_url(data) {
                    Some((mime, data)) => blob(modality_of(mime), Some(mime), data),
                    None => blob(Modality::Document, None, data),
                },
                (None, None) => {
                    let mut fields = Map::new();
                    if let Some(name) = &file.filename {
                        fields.insert("filename".to_owned(), Value::from(name.as_str()));
                    }
                    Part::Generic { kind: "file".to_owned(), fields }
                }
            }
        }
    }
}

fn tool_call_part<'a>(call: &ChatCompletionMessageToolCalls) -> Part<'a> {
    match call {
        ChatCompletionMessageToolCalls::Function(call) => {
            Part::tool_call_written(Some(&call.id), &call.function.name, &call.function.arguments)
        }
        ChatCompletionMessageToolCalls::Custom(call) => {
            Part::tool_call(Some(&call.id), &call.custom_tool.name, Value::from(call.custom_tool.input.as_str()))
        }
    }
}

impl ToChatMessage for ChatCompletionRequestMessage {
    fn to_chat_message(&self) -> ChatMessage<'_> {
        match self {
            ChatCompletionRequestMessage::System(message) => {
                let parts = match &message.content {
                    ChatCompletionRequestSystemMessageContent::Text(text) => vec![Part::text(text.as_str())],
                    ChatCompletionRequestSystemMessageContent::Array(parts) => parts
                        .iter()
                        .map(|ChatCompletionRequestSystemMessageContentPart::Text(text)| Part::text(text.text.as_str()))
                        .collect(),
                };
                named(ChatMessage::new(Role::System, parts), message.name.as_deref())
            }
            // Developer messages are the system messages of newer models.
            ChatCompletionRequestMessage::Developer(message) => {
                let parts = match &message.content {
                    ChatCompletionRequestDeveloperMessageContent::Text(text) => vec![Part::text(text.as_str())],
                    ChatCompletionRequestDeveloperMessageContent::Array(parts) => parts
                        .iter()
                        .map(|ChatCompletionRequestDeveloperMessageContentPart::Text(text)| {
                            Part::text(text.text.as_str())
                        })
                        .collect(),
                };
                named(ChatMessage::new(Role::System, parts), message.name.as_deref())
            }
            ChatCompletionRequestMessage::User(message) => {
                let parts = match &message.content {
                    ChatCompletionRequestUserMessageContent::Text(text) => vec![Part::text(text.as_str())],
                    ChatCompletionRequestUserMessageContent::Array(parts) => parts.iter().map(user_part).collect(),
                };
                named(ChatMessage::new(Role::User, parts), message.name.as_deref())
            }
            ChatCompletionRequestMessage::Assistant(message) => {
                let mut parts = match &message.content {
                    Some(ChatCompletionRequestAssistantMessageContent::Text(text)) => vec![Part::text(text.as_str())],
                    Some(ChatCompletionRequestAssistantMessageContent::Array(parts)) => parts
                        .iter()
                        .map(|part| match part {
                            ChatCompletionRequestAssistantMessageContentPart::Text(text) => {
                                Part::text(text.text.as_str())
                            }
                            ChatCompletionRequestAssistantMessageContentPart::Refusal(refusal) => {
                                Part::text(refusal.refusal.as_str())
                            }
                        })
                        .collect(),
                    None => Vec::new(),
                };
                if let Some(refusal) = &message.refusal {
                    parts.push(Part::text(refusal.as_str()));
                }
                parts.extend(message.tool_calls.iter().flatten().map(tool_call_part));
                named(ChatMessage::new(Role::Assistant, parts), message.name.as_deref())
            }
            ChatCompletionRequestMessage::Tool(message) => {
                let text = match &message.content {
                    ChatCompletionRequestToolMessageContent::Text(text) => Cow::Borrowed(text.as_str()),
                    ChatCompletionRequestToolMessageContent::Array(parts) => Cow::Owned(
                        parts
                            .iter()
                            .map(|ChatCompletionRequestToolMessageContentPart::Text(text)| text.text.as_str())
                            .collect::<Vec<_>>()
                            .join(""),
                    ),
                };
                let response = Part::tool_call_response(Some(&message.tool_call_id), Value::from(text.as_ref()));
                ChatMessage::new(Role::Tool, vec![response])
            }
            ChatCompletionRequestMessage::Function(message) => {
                let response = Value::from(message.content.as_deref().unwrap_or_default());
                named(ChatMessage::new(Role::Tool, vec![Part::tool_call_response(None, response)]), Some(&message.name))
            }
        }
    }
}

fn named<'a>(mut message: ChatMessage<'a>, name: Option<&str>) -> ChatMessage<'a> {
    message.name = name.map(str::to_owned);
    message
}

impl ToOutputMessage for ChatChoice {
    fn to_output_message(&self) -> OutputMessage<'_> {
        let message = &self.message;
        let mut parts = Vec::new();
        if let Some(content) = &message.content {
            parts.push(Part::text(content.as_str()));
        }
        if let Some(refusal) = &message.refusal {
            parts.push(Part::text(refusal.as_str()));
        }
        parts.extend(message.tool_calls.iter().flatten().map(tool_call_part));
        if let Some(audio) = &message.audio {
            parts.push(Part::text(audio.transcript.as_str()));
        }
        let finish_reason = self
            .finish_reason
            .map_or(FinishReason::Stop, |reason| FinishReason::from_provider(finish_reason_name(reason)));
        OutputMessage::new(parts, finish_reason)
    }
}

impl ToToolDefinition for ChatCompletionTools {
    fn to_tool_definition(&self) -> ToolDefinition {
        match self {
            ChatCompletionTools::Function(tool) => ToolDefinition::Function {
                name: tool.function.name.clone(),
                description: tool.function.description.clone(),
                parameters: tool.function.parameters.clone(),
            },
            ChatCompletionTools::Custom(tool) => {
                let mut fields = Map::new();
                if let Some(description) = &tool.custom.description {
                    fields.insert("description".to_owned(), Value::from(description.as_str()));
                }
                ToolDefinition::Generic { kind: "custom".to_owned(), name: tool.custom.name.clone(), fields }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_are_split_into_type_and_data() {
        assert_eq!(data_url("data:image/png;base64,AAAA"), Some(("image/png", "AAAA")));
        assert_eq!(data_url("https://example.com/a.png"), None);
        assert_eq!(modality_of("audio/wav"), Modality::Audio);
        assert_eq!(modality_of("application/pdf"), Modality::Document);
    }
}
