//! With content capture on, a tool-call round trip through the wrapped async-openai client
//! records its messages, tool definitions and choices in the conventions' message model,
//! valid against the pinned JSON schemas; inline media keeps its type, not its bytes.

#[path = "support/schemas.rs"]
mod schemas;

use async_openai::types::chat::{
    ChatCompletionMessageToolCalls, ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestMessageContentPartImage, ChatCompletionRequestMessageContentPartText,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestToolMessage, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, ChatCompletionRequestUserMessageContentPart, ChatCompletionTool,
    ChatCompletionTools, CreateChatCompletionRequest, FunctionObject, ImageUrl,
};
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;
use otel_genai::content::{CaptureMode, set_capture_mode};
use otel_genai::testing::Capture;
use otel_genai_examples::ModelServer;
use schemas::assert_valid;
use serde_json::json;

fn json_attr(span: &SpanData, key: &str) -> serde_json::Value {
    match span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value) {
        Some(Value::String(text)) => serde_json::from_str(text.as_str()).unwrap(),
        other => panic!("{key}: {other:?}"),
    }
}

fn weather_tool() -> ChatCompletionTools {
    ChatCompletionTools::Function(ChatCompletionTool {
        function: FunctionObject {
            name: "get_weather".into(),
            description: Some("The weather in a city.".into()),
            parameters: Some(json!({"type": "object", "properties": {"city": {"type": "string"}}})),
            strict: None,
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_call_round_trip_is_recorded_in_the_message_model() {
    set_capture_mode(CaptureMode::SpanOnly);
    let server = ModelServer::start().await;
    let client = server.client();
    let capture = Capture::new();

    let user = ChatCompletionRequestUserMessage {
        content: ChatCompletionRequestUserMessageContent::Array(vec![
            ChatCompletionRequestUserMessageContentPart::Text(ChatCompletionRequestMessageContentPartText {
                text: "Weather in Paris? And what is in this picture?".into(),
                ..Default::default()
            }),
            ChatCompletionRequestUserMessageContentPart::ImageUrl(ChatCompletionRequestMessageContentPartImage {
                image_url: ImageUrl { url: "https://example.com/paris.png".into(), detail: None },
                ..Default::default()
            }),
            ChatCompletionRequestUserMessageContentPart::ImageUrl(ChatCompletionRequestMessageContentPartImage {
                image_url: ImageUrl { url: "data:image/png;base64,iVBORw0KGgo=".into(), detail: None },
                ..Default::default()
            }),
        ]),
        name: None,
    };
    let mut messages: Vec<ChatCompletionRequestMessage> =
        vec![ChatCompletionRequestSystemMessage::from("You forecast.").into(), user.into()];
    let request = |messages: &[ChatCompletionRequestMessage]| CreateChatCompletionRequest {
        model: "tool-caller".into(),
        messages: messages.to_vec(),
        tools: Some(vec![weather_tool()]),
        ..Default::default()
    };

    let first = capture.scope(client.chat().create(request(&messages))).await.unwrap();
    let Some(ChatCompletionMessageToolCalls::Function(call)) =
        first.choices[0].message.tool_calls.as_ref().and_then(|calls| calls.first()).cloned()
    else {
        panic!("no tool call: {first:?}")
    };
    messages.push(
        ChatCompletionRequestAssistantMessage {
            tool_calls: Some(vec![ChatCompletionMessageToolCalls::Function(call.clone())]),
            ..Default::default()
        }
        .into(),
    );
    messages
        .push(ChatCompletionRequestToolMessage { content: "18°C, sunny".into(), tool_call_id: call.id.clone() }.into());
    let second = capture.scope(client.chat().create(request(&messages))).await.unwrap();
    assert_eq!(second.choices[0].message.content.as_deref(), Some("It is 18°C in Paris."));

    assert_eq!(server.requests(), 2);
    let spans = capture.spans();
    assert_eq!(spans.len(), 2);
    let (asking, answering) = (&spans[0], &spans[1]);

    // The first turn: the model asks for the tool.
    let output = json_attr(asking, "gen_ai.output.messages");
    assert_valid("output-messages", &output);
    assert_eq!(
        output,
        json!([{"role": "assistant", "finish_reason": "tool_call", "parts": [
            {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}}
        ]}])
    );
    let tools = json_attr(asking, "gen_ai.tool.definitions");
    assert_valid("tool-definitions", &tools);
    assert_eq!(tools[0]["name"], "get_weather");
    assert_eq!(tools[0]["type"], "function");

    // The second turn: the whole conversation, tool call and result included.
    let input = json_attr(answering, "gen_ai.input.messages");
    assert_valid("input-messages", &input);
    assert_eq!(input[0], json!({"role": "system", "parts": [{"type": "text", "content": "You forecast."}]}));
    assert_eq!(input[1]["role"], "user");
    assert_eq!(
        input[1]["parts"][1],
        json!({"type": "uri", "modality": "image", "uri": "https://example.com/paris.png"})
    );
    // Inline media: its type and MIME type, not its bytes.
    assert_eq!(
        input[1]["parts"][2],
        json!({"type": "blob", "modality": "image", "mime_type": "image/png", "content": ""})
    );
    assert_eq!(
        input[2],
        json!({"role": "assistant", "parts": [
            {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}}
        ]})
    );
    assert_eq!(
        input[3],
        json!({"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": "18°C, sunny"}]})
    );
    let output = json_attr(answering, "gen_ai.output.messages");
    assert_valid("output-messages", &output);
    assert_eq!(output[0]["parts"][0], json!({"type": "text", "content": "It is 18°C in Paris."}));
    assert_eq!(output[0]["finish_reason"], "stop");
}

/// Streams one request of `model` to its end under capture: the span's output messages
/// (checked against the schema) and how many chunks came.
async fn streamed_output(model: &str, tools: Option<Vec<ChatCompletionTools>>) -> (serde_json::Value, usize) {
    use futures::StreamExt as _;

    set_capture_mode(CaptureMode::SpanOnly);
    let server = ModelServer::start().await;
    let client = server.client();
    let capture = Capture::new();
    let request = CreateChatCompletionRequest {
        model: model.into(),
        messages: vec![ChatCompletionRequestUserMessage::from("What is OpenTelemetry?").into()],
        tools,
        ..Default::default()
    };
    let chunks =
        capture.scope(async { client.chat().create_stream(request).await.unwrap().collect::<Vec<_>>().await }).await;
    let span = capture.spans().remove(0);
    assert_valid("input-messages", &json_attr(&span, "gen_ai.input.messages"));
    let output = json_attr(&span, "gen_ai.output.messages");
    assert_valid("output-messages", &output);
    (output, chunks.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_answer_is_recorded_as_its_output_message() {
    let (output, chunks) = streamed_output("gpt-4o-mini", None).await;
    assert_eq!(chunks, 3);
    assert_eq!(
        output,
        json!([{"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "OpenTelemetry"}]}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_tool_call_is_assembled_from_its_pieces() {
    let (output, chunks) = streamed_output("tool-caller", Some(vec![weather_tool()])).await;
    assert_eq!(chunks, 3);
    assert_eq!(
        output,
        json!([{"role": "assistant", "finish_reason": "tool_call", "parts": [
            {"type": "tool_call", "id": "call_9", "name": "get_weather", "arguments": {"city": "Paris"}}
        ]}])
    );
}
