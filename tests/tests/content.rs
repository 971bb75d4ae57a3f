//! Captured content matches the conventions' JSON schemas (carried here as data, from the
//! pinned conventions), nothing is captured while capture is off, and the application's
//! redactor changes every kind of content before it is recorded. The capture mode is
//! process-wide: this binary's tests set it in one test each, in order.

use opentelemetry::Value;
use otel_genai::content::messages::{ChatMessage, FinishReason, Modality, OutputMessage, Part, ToolDefinition};
use otel_genai::content::{CaptureMode, ContentKind, set_capture_mode, set_content_limit, set_content_redactor};
use otel_genai::testing::Capture;
use otel_genai::{GenAiRequest, GenAiResponse, gen_ai_chat, retrieval, tool};
use schemas::{assert_valid, schema};
use serde_json::json;

#[path = "support/schemas.rs"]
mod schemas;

#[derive(GenAiRequest)]
struct Request {
    model: String,
    #[gen_ai(system_instructions)]
    system: String,
    #[gen_ai(input.messages)]
    messages: Vec<ChatMessage<'static>>,
    #[gen_ai(tool.definitions)]
    tools: Vec<ToolDefinition>,
}

#[derive(GenAiResponse)]
struct Response {
    #[gen_ai(output.messages)]
    choices: Vec<OutputMessage<'static>>,
}

#[gen_ai_chat(provider = "openai", request = req)]
fn chat(req: &Request) -> Response {
    let _ = req;
    Response {
        choices: vec![
            OutputMessage::new(
                vec![
                    Part::Reasoning("The user wants weather.".into()),
                    Part::tool_call(Some("call_1"), "weather", json!({"city": "Paris"})),
                ],
                FinishReason::from_provider("tool_calls"),
            ),
            OutputMessage::new(vec![Part::text("Sunny.")], FinishReason::from_provider("end_turn")),
        ],
    }
}

/// A piece of a streamed answer.
struct Piece(&'static str);

impl otel_genai::GenAiChunk for Piece {
    fn record_chunk(&self, summary: &mut otel_genai::StreamSummary) {
        summary.append_text(0, self.0).finish_reason(0, "stop").add_tokens(otel_genai::TokenCount::Output, 1);
        summary.set_tokens(otel_genai::TokenCount::Input, 10);
    }
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
fn stream_answer() -> impl futures::Stream<Item = Piece> {
    futures::stream::iter([Piece("Sun"), Piece("ny.")])
}

/// Looks the weather up.
#[tool]
fn weather(city: &str, api_key: &str) -> serde_json::Value {
    let _ = api_key;
    json!({"city": city, "forecast": "sunny"})
}

/// Finds documents; the query is content, written as an attribute.
#[retrieval(data_source = "kb", attributes(gen_ai.retrieval.query.text = query))]
fn find(query: &str) -> usize {
    query.len()
}

/// A client that cannot be serialised (and should not be).
struct Client;

/// Searches, with a client and a session token the caller asked to leave out.
#[tool(skip(session))]
fn search(client: &Client, query: &str, limit: u32, session: &str) -> Result<Vec<String>, String> {
    let _ = (client, session);
    Ok(vec![format!("{query}:{limit}")])
}

fn request() -> Request {
    let media =
        |modality| Part::Uri { modality, mime_type: Some("image/png".into()), uri: "https://example.com/a.png".into() };
    Request {
        model: "gpt-4o".into(),
        system: "Be brief.".into(),
        messages: vec![
            ChatMessage::text("system", "You forecast."),
            ChatMessage::new("user", vec![Part::text("Weather in Paris?"), media(Modality::Image)]),
            ChatMessage::new(
                "user",
                vec![
                    Part::Blob { modality: Modality::Audio, mime_type: None, content: "UklGRg==".into() },
                    Part::File {
                        modality: Modality::Document,
                        mime_type: Some("application/pdf".into()),
                        file_id: "file-1".into(),
                    },
                ],
            ),
            ChatMessage::new("assistant", vec![Part::tool_call(Some("call_1"), "weather", json!({"city": "Paris"}))]),
            ChatMessage::new("tool", vec![Part::tool_call_response(Some("call_1"), json!({"forecast": "sunny"}))]),
        ],
        tools: vec![ToolDefinition::Function {
            name: "weather".into(),
            description: Some("Looks the weather up.".into()),
            parameters: Some(
                json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
            ),
        }],
    }
}

fn json_attr(span: &otel_genai::SpanNode<'_>, key: &str) -> serde_json::Value {
    serde_json::from_str(span.str_attr(key).unwrap_or_else(|| panic!("{key} missing"))).unwrap()
}

#[test]
fn captured_content_follows_the_schemas_and_nothing_is_captured_while_off() {
    // Off (the default): no content anywhere, whatever the types.
    set_capture_mode(CaptureMode::NoContent);
    let capture = Capture::new();
    capture.in_scope(|| {
        chat(&request());
        weather("Paris", "sk-secret");
        let _ = search(&Client, "rust", 3, "s-1");
        find("a private question");
    });
    let spans = capture.spans();
    assert_eq!(spans.len(), 4, "the chat, the tool, the search and the retrieval");
    // Every attribute the conventions mark as content.
    let content = |key: &str| otel_genai::conventions::attribute(key).is_some_and(|def| def.content);
    for span in &spans {
        let on_events = span.events.iter().flat_map(|event| &event.attributes);
        for kv in span.attributes.iter().chain(on_events) {
            assert!(!content(kv.key.as_str()), "{} captured while capture is off", kv.key);
        }
    }
    assert!(capture.events().is_empty());

    // On spans: every value validates against its schema.
    set_capture_mode(CaptureMode::SpanOnly);
    let capture = Capture::new();
    capture.in_scope(|| chat(&request()));
    let tree = capture.tree();
    let span = tree.root();
    let input = json_attr(&span, "gen_ai.input.messages");
    assert_valid("input-messages", &input);
    assert_eq!(
        input[1]["parts"][1],
        json!({"type": "uri", "modality": "image", "mime_type": "image/png", "uri": "https://example.com/a.png"})
    );
    let output = json_attr(&span, "gen_ai.output.messages");
    assert_valid("output-messages", &output);
    assert_eq!(output[0]["finish_reason"], "tool_call");
    assert_eq!(output[1]["finish_reason"], "stop");
    assert_valid("system-instructions", &json_attr(&span, "gen_ai.system_instructions"));
    assert_valid("tool-definitions", &json_attr(&span, "gen_ai.tool.definitions"));
    println!("gen_ai.input.messages = {}", span.str_attr("gen_ai.input.messages").unwrap());

    // Tool arguments and results: JSON where they serialise, secrets masked, skips left out.
    let capture = Capture::new();
    capture.in_scope(|| {
        weather("Paris", "sk-secret");
        let _ = search(&Client, "rust", 3, "s-1");
    });
    let tree = capture.tree();
    let weather_span = tree.find("execute_tool weather").unwrap();
    let arguments = json_attr(&weather_span, "gen_ai.tool.call.arguments");
    assert_eq!(arguments, json!({"city": "Paris", "api_key": "[REDACTED]"}));
    assert_valid("tool-call-arguments", &arguments);
    let result = json_attr(&weather_span, "gen_ai.tool.call.result");
    assert_eq!(result, json!({"city": "Paris", "forecast": "sunny"}));
    assert_valid("tool-call-result", &result);
    let search_span = tree.find("execute_tool search").unwrap();
    assert_eq!(json_attr(&search_span, "gen_ai.tool.call.arguments"), json!({"query": "rust", "limit": 3}));
    assert_eq!(json_attr(&search_span, "gen_ai.tool.call.result"), json!(["rust:3"]));
    // A content attribute written by the application is on the span too, in this mode.
    let capture = Capture::new();
    capture.in_scope(|| find("a private question"));
    assert_eq!(capture.tree().root().str_attr("gen_ai.retrieval.query.text"), Some("a private question"));

    // EVENT_ONLY: the content goes to the details event, not the span.
    set_capture_mode(CaptureMode::EventOnly);
    let capture = Capture::new();
    capture.in_scope(|| chat(&request()));
    let tree = capture.tree();
    let span = tree.root();
    assert!(span.attr("gen_ai.input.messages").is_none() && span.attr("gen_ai.output.messages").is_none());
    assert_eq!(span.str_attr("gen_ai.request.model"), Some("gpt-4o"));
    let events = capture.events();
    let [details] = &events[..] else { panic!("{events:?}") };
    assert_eq!(details.name, Some("gen_ai.client.inference.operation.details"));
    assert_eq!(details.trace, Some((span.trace_id(), span.span_id())));
    assert_eq!(details.str_attr("gen_ai.request.model"), Some("gpt-4o"));
    let event_json = |key: &str| serde_json::from_str::<serde_json::Value>(details.str_attr(key).unwrap()).unwrap();
    assert_valid("input-messages", &event_json("gen_ai.input.messages"));
    assert_valid("output-messages", &event_json("gen_ai.output.messages"));

    // A streamed answer's text goes to the details event too, and not on the span.
    let capture = Capture::new();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    // The span's parent is taken where the stream is made.
    let answer = capture.in_scope(stream_answer);
    let pieces = runtime.block_on(futures::StreamExt::collect::<Vec<_>>(answer));
    assert_eq!(pieces.len(), 2);
    let tree = capture.tree();
    assert!(tree.root().attr("gen_ai.output.messages").is_none());
    let events = capture.events();
    let [details] = &events[..] else { panic!("{events:?}") };
    // The stream's cost goes to its span and, once, to its details event.
    let Some(&Value::F64(cost)) = tree.root().attr("gen_ai.usage.cost") else { panic!("a priced stream has a cost") };
    let costs: Vec<_> = details.attributes.iter().filter(|(key, _)| key.as_str() == "gen_ai.usage.cost").collect();
    assert_eq!(costs.len(), 1, "{costs:?}");
    assert_eq!(costs[0].1, opentelemetry::logs::AnyValue::Double(cost));
    let output: serde_json::Value = serde_json::from_str(details.str_attr("gen_ai.output.messages").unwrap()).unwrap();
    assert_valid("output-messages", &output);
    assert_eq!(
        output,
        json!([{"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "Sunny."}]}])
    );

    // SPAN_AND_EVENT: both.
    set_capture_mode(CaptureMode::SpanAndEvent);
    let capture = Capture::new();
    capture.in_scope(|| chat(&request()));
    assert!(capture.tree().root().attr("gen_ai.input.messages").is_some());
    assert!(capture.events()[0].attr("gen_ai.input.messages").is_some());
    set_capture_mode(CaptureMode::SpanOnly);

    // The validator does reject what does not follow a schema.
    assert!(!schema("input-messages").is_valid(&json!([{"role": "user"}])));

    // Truncated to the limit, still valid.
    let mut long = request();
    long.messages[1].parts[0] = Part::text("é".repeat(100_000));
    let truncated = |limit: usize| {
        set_content_limit(limit);
        let capture = Capture::new();
        capture.in_scope(|| chat(&long));
        let text = capture.tree().root().str_attr("gen_ai.input.messages").unwrap().to_owned();
        assert!(text.len() <= limit, "{} bytes", text.len());
        let kept: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_valid("input-messages", &kept);
        (text, kept)
    };
    let (text, kept) = truncated(300);
    // Only texts are cut: what says what a message or part is stays whole, and the newest
    // message stays.
    let newest = &kept.as_array().unwrap().last().expect("a message kept")["parts"][0];
    assert_eq!((&newest["type"], &newest["id"]), (&json!("tool_call_response"), &json!("call_1")), "{text}");
    let types = ["text", "uri", "blob", "file", "tool_call", "tool_call_response"];
    for message in kept.as_array().unwrap() {
        assert!(["system", "user", "assistant", "tool"].contains(&message["role"].as_str().unwrap()), "{text}");
        for part in message["parts"].as_array().unwrap() {
            assert!(types.contains(&part["type"].as_str().unwrap()), "{text}");
        }
    }
    // With room for the rest, the long text is kept, cut at a character and marked.
    let (text, kept) = truncated(2000);
    assert_eq!(kept.as_array().unwrap().len(), long.messages.len(), "every message kept: {text}");
    let cut = kept[1]["parts"][0]["content"].as_str().unwrap();
    assert!(cut.len() > 100 && cut.ends_with('…') && cut.trim_end_matches('…').chars().all(|c| c == 'é'), "{cut}");
    set_content_limit(otel_genai::content::CONTENT_LIMIT);

    // The redactor sees every kind of content, on spans and in events, streamed or not, and
    // what it changes is what is recorded.
    const SENSITIVE: [&str; 4] = ["Paris", "brief", "weather", "Sunny"];
    fn scrub(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                for word in SENSITIVE {
                    *text = text.replace(word, "***");
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
            serde_json::Value::Object(fields) => fields.values_mut().for_each(scrub),
            _ => {}
        }
    }
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen_by_redactor = seen.clone();
    set_content_redactor(move |kind, value| {
        seen_by_redactor.lock().unwrap().push(kind);
        scrub(value);
    });
    set_capture_mode(CaptureMode::SpanAndEvent);
    let capture = Capture::new();
    capture.in_scope(|| {
        chat(&request());
        weather("Paris", "sk-secret");
    });
    let answer = capture.in_scope(stream_answer);
    runtime.block_on(futures::StreamExt::collect::<Vec<_>>(answer));
    let mut kinds = seen.lock().unwrap().clone();
    kinds.sort_by_key(|kind| format!("{kind:?}"));
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            ContentKind::InputMessages,
            ContentKind::OutputMessages,
            ContentKind::SystemInstructions,
            ContentKind::ToolArguments,
            ContentKind::ToolDefinitions,
            ContentKind::ToolResult,
        ]
    );
    let mut recorded: Vec<(String, String)> = Vec::new();
    for span in capture.spans() {
        for kv in span.attributes.iter().filter(|kv| content(kv.key.as_str())) {
            recorded.push((format!("span {}: {}", span.name, kv.key), kv.value.to_string()));
        }
    }
    for event in capture.events() {
        for (key, value) in event.attributes.iter().filter(|(key, _)| content(key.as_str())) {
            let opentelemetry::logs::AnyValue::String(text) = value else { panic!("{key} is not text") };
            recorded.push((format!("event: {key}"), text.to_string()));
        }
    }
    let keys: std::collections::BTreeSet<&str> =
        recorded.iter().map(|(at, _)| at.rsplit(' ').next().unwrap()).collect();
    assert_eq!(keys.len(), 6, "every kind of content was recorded: {keys:?}");
    // The chat's details event and the stream's.
    let mut in_events: Vec<&str> = recorded.iter().filter_map(|(at, _)| at.strip_prefix("event: ")).collect();
    in_events.sort_unstable();
    assert_eq!(
        in_events,
        [
            "gen_ai.input.messages",
            "gen_ai.output.messages",
            "gen_ai.output.messages",
            "gen_ai.system_instructions",
            "gen_ai.tool.definitions"
        ],
        "{recorded:#?}"
    );
    for (at, text) in &recorded {
        for word in SENSITIVE {
            assert!(!text.contains(word), "{at} kept {word:?}: {text}");
        }
        assert!(text.contains("***"), "{at} was not redacted: {text}");
    }
    let streamed =
        json!([{"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "***."}]}]);
    assert!(
        recorded.iter().any(|(at, text)| at == "event: gen_ai.output.messages"
            && serde_json::from_str::<serde_json::Value>(text).unwrap() == streamed),
        "the streamed answer's event was not redacted: {recorded:#?}"
    );
    set_capture_mode(CaptureMode::NoContent);
}
