//! The typed message model of the conventions: what `gen_ai.input.messages`,
//! `gen_ai.output.messages`, `gen_ai.system_instructions` and `gen_ai.tool.definitions`
//! hold, serialised exactly as their JSON schemas say.
//!
//! A request or response field reaches those attributes only through a conversion into
//! this model: implement [`ToChatMessage`], [`ToOutputMessage`] or [`ToToolDefinition`]
//! for your message type (lists of it then convert), or [`InputMessages`],
//! [`OutputMessages`], [`SystemInstructions`], [`ToolDefinitions`] for a whole value. A type
//! without one fails the build.
//!
//! ```
//! use otel_genai::content::messages::{ChatMessage, InputMessages, Part, ToChatMessage};
//!
//! struct MyMessage { role: &'static str, text: String }
//!
//! impl ToChatMessage for MyMessage {
//!     fn to_chat_message(&self) -> ChatMessage<'_> {
//!         ChatMessage::new(self.role, vec![Part::text(&self.text)])
//!     }
//! }
//!
//! let messages = [MyMessage { role: "user", text: "Hi".into() }];
//! assert_eq!(
//!     otel_genai::content::messages::to_json(&messages.input_messages()),
//!     serde_json::json!([{ "role": "user", "parts": [{ "type": "text", "content": "Hi" }] }])
//! );
//! ```

use std::borrow::Cow;

use serde_json::{Map, Value, json};

/// Who wrote a message: `system`, `user`, `assistant`, `tool`, or another name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Instructions from the application.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// A tool's result.
    Tool,
    /// Any other role, as the provider names it.
    Other(String),
}

impl Role {
    fn name(&self) -> &str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Other(name) => name,
        }
    }
}

impl From<&str> for Role {
    fn from(name: &str) -> Role {
        match name {
            "system" | "developer" => Role::System,
            "user" | "human" => Role::User,
            "assistant" | "model" | "ai" => Role::Assistant,
            "tool" | "function" => Role::Tool,
            other => Role::Other(other.to_owned()),
        }
    }
}

/// The kind of media in a blob, file or URI part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modality {
    /// An image.
    Image,
    /// A video.
    Video,
    /// Audio.
    Audio,
    /// A document.
    Document,
    /// Another kind.
    Other(String),
}

impl Modality {
    fn name(&self) -> &str {
        match self {
            Modality::Image => "image",
            Modality::Video => "video",
            Modality::Audio => "audio",
            Modality::Document => "document",
            Modality::Other(name) => name,
        }
    }
}

/// One part of a message. Text borrows where it can (`Cow`): a long prompt is not copied
/// before the content limit cuts it.
#[derive(Clone, Debug, PartialEq)]
pub enum Part<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// The model asks for a tool call.
    ToolCall {
        /// The call's id.
        id: Option<String>,
        /// The tool's name.
        name: String,
        /// The arguments (a JSON object, as the model wrote them).
        arguments: Option<Cow<'a, Value>>,
    },
    /// A tool's result, sent back to the model.
    ToolCallResponse {
        /// The id of the call it answers.
        id: Option<String>,
        /// What the tool returned.
        response: Cow<'a, Value>,
    },
    /// The model's reasoning.
    Reasoning(Cow<'a, str>),
    /// Inline data, base64 encoded. Recorded only if you build it: the conversions of
    /// this crate turn media into [`Part::Uri`] or [`Part::File`] where they can.
    Blob {
        /// The kind of media.
        modality: Modality,
        /// Its MIME type.
        mime_type: Option<String>,
        /// The data, base64.
        content: Cow<'a, str>,
    },
    /// A file the provider holds.
    File {
        /// The kind of media.
        modality: Modality,
        /// Its MIME type.
        mime_type: Option<String>,
        /// The provider's file id.
        file_id: String,
    },
    /// Data at a URI.
    Uri {
        /// The kind of media.
        modality: Modality,
        /// Its MIME type.
        mime_type: Option<String>,
        /// Where it is (not a base64 `data:` URL: that is a [`Part::Blob`]).
        uri: String,
    },
    /// Any other part: its `type` and fields.
    Generic {
        /// The part's `type`.
        kind: String,
        /// Its other fields.
        fields: Map<String, Value>,
    },
}

impl<'a> Part<'a> {
    /// A text part.
    pub fn text(text: impl Into<Cow<'a, str>>) -> Part<'a> {
        Part::Text(text.into())
    }

    /// A tool call the model asks for, its arguments a JSON object.
    pub fn tool_call(id: Option<&str>, name: &str, arguments: Value) -> Part<'a> {
        Part::ToolCall { id: id.map(str::to_owned), name: name.to_owned(), arguments: Some(Cow::Owned(arguments)) }
    }

    /// A tool call with the arguments as the model wrote them: the JSON they hold, or the
    /// text itself when it is not JSON (a model may stop in the middle of its arguments).
    ///
    /// ```
    /// use otel_genai::content::messages::Part;
    /// use serde_json::json;
    ///
    /// let part = Part::tool_call_written(Some("call_1"), "weather", r#"{"city":"Paris"}"#);
    /// assert_eq!(part.to_json()["arguments"], json!({"city": "Paris"}));
    /// let cut = Part::tool_call_written(Some("call_2"), "weather", r#"{"city":"Par"#);
    /// assert_eq!(cut.to_json()["arguments"], json!(r#"{"city":"Par"#));
    /// ```
    pub fn tool_call_written(id: Option<&str>, name: &str, arguments: &str) -> Part<'a> {
        let arguments = serde_json::from_str(arguments).unwrap_or_else(|_| Value::from(arguments));
        Part::tool_call(id, name, arguments)
    }

    /// A tool's result sent back to the model.
    pub fn tool_call_response(id: Option<&str>, response: Value) -> Part<'a> {
        Part::ToolCallResponse { id: id.map(str::to_owned), response: Cow::Owned(response) }
    }

    /// The part as the schemas spell it.
    pub fn to_json(&self) -> Value {
        self.json_within(usize::MAX)
    }

    /// The part as the schemas spell it, each text cut to at most `limit` bytes.
    fn json_within(&self, limit: usize) -> Value {
        let media = |kind: &str, modality: &Modality, mime_type: &Option<String>, field: &str, value: &str| {
            let mut part = json!({ "type": kind, "modality": modality.name() });
            if let Some(mime_type) = mime_type {
                part["mime_type"] = Value::from(mime_type.as_str());
            }
            part[field] = Value::from(value);
            part
        };
        match self {
            Part::Text(text) => json!({ "type": "text", "content": within(text, limit) }),
            Part::ToolCall { id, name, arguments } => {
                let mut part = json!({ "type": "tool_call", "name": name });
                if let Some(id) = id {
                    part["id"] = Value::from(id.as_str());
                }
                if let Some(arguments) = arguments {
                    part["arguments"] = arguments.as_ref().clone();
                }
                part
            }
            Part::ToolCallResponse { id, response } => {
                let mut part = json!({ "type": "tool_call_response", "response": response.as_ref() });
                if let Some(id) = id {
                    part["id"] = Value::from(id.as_str());
                }
                part
            }
            Part::Reasoning(text) => json!({ "type": "reasoning", "content": within(text, limit) }),
            Part::Blob { modality, mime_type, content } => {
                media("blob", modality, mime_type, "content", &within(content, limit))
            }
            Part::File { modality, mime_type, file_id } => media("file", modality, mime_type, "file_id", file_id),
            Part::Uri { modality, mime_type, uri } => media("uri", modality, mime_type, "uri", uri),
            Part::Generic { kind, fields } => {
                let mut part = fields.clone();
                part.insert("type".to_owned(), Value::from(kind.as_str()));
                Value::Object(part)
            }
        }
    }
}

/// A message sent to the model (`gen_ai.input.messages`).
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessage<'a> {
    /// Who wrote it.
    pub role: Role,
    /// What it says.
    pub parts: Vec<Part<'a>>,
    /// The participant's name, when the provider takes one.
    pub name: Option<String>,
}

impl<'a> ChatMessage<'a> {
    /// A message of `role` made of `parts`.
    pub fn new(role: impl Into<Role>, parts: Vec<Part<'a>>) -> ChatMessage<'a> {
        ChatMessage { role: role.into(), parts, name: None }
    }

    /// A message of `role` with one text part.
    pub fn text(role: impl Into<Role>, text: impl Into<Cow<'a, str>>) -> ChatMessage<'a> {
        ChatMessage::new(role, vec![Part::text(text)])
    }

    /// The message as the schema spells it.
    pub fn to_json(&self) -> Value {
        self.json_within(usize::MAX)
    }

    fn json_within(&self, limit: usize) -> Value {
        let mut message = json!({ "role": self.role.name(), "parts": parts(&self.parts, limit) });
        if let Some(name) = &self.name {
            message["name"] = Value::from(name.as_str());
        }
        message
    }
}

/// Why the model stopped, as the schema names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    /// It finished.
    Stop,
    /// It reached the token limit.
    Length,
    /// A content filter stopped it.
    ContentFilter,
    /// It asked for a tool call.
    ToolCall,
    /// The context was compacted.
    Compaction,
    /// It failed.
    Error,
}

impl FinishReason {
    /// The schema's name for a provider's finish reason (`end_turn` is `stop`,
    /// `max_tokens` is `length`, `tool_calls` and `tool_use` are `tool_call`, ...);
    /// an unknown reason is `error`.
    pub fn from_provider(reason: &str) -> FinishReason {
        match reason {
            "stop" | "end_turn" | "stop_sequence" | "STOP" | "complete" => FinishReason::Stop,
            "length" | "max_tokens" | "MAX_TOKENS" | "model_length" => FinishReason::Length,
            "content_filter" | "SAFETY" | "refusal" | "RECITATION" => FinishReason::ContentFilter,
            "tool_call" | "tool_calls" | "tool_use" | "function_call" => FinishReason::ToolCall,
            "compaction" => FinishReason::Compaction,
            _ => FinishReason::Error,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::ToolCall => "tool_call",
            FinishReason::Compaction => "compaction",
            FinishReason::Error => "error",
        }
    }
}

/// A message the model returned (`gen_ai.output.messages`): one per choice.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputMessage<'a> {
    /// Who wrote it (usually the assistant).
    pub role: Role,
    /// What it says.
    pub parts: Vec<Part<'a>>,
    /// The participant's name, when the provider gives one.
    pub name: Option<String>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
}

impl<'a> OutputMessage<'a> {
    /// An assistant message made of `parts`.
    pub fn new(parts: Vec<Part<'a>>, finish_reason: FinishReason) -> OutputMessage<'a> {
        OutputMessage { role: Role::Assistant, parts, name: None, finish_reason }
    }

    /// The message as the schema spells it.
    pub fn to_json(&self) -> Value {
        self.json_within(usize::MAX)
    }

    fn json_within(&self, limit: usize) -> Value {
        let mut message = json!({
            "role": self.role.name(),
            "parts": parts(&self.parts, limit),
            "finish_reason": self.finish_reason.name(),
        });
        if let Some(name) = &self.name {
            message["name"] = Value::from(name.as_str());
        }
        message
    }
}

/// A tool the model may call (`gen_ai.tool.definitions`).
#[derive(Clone, Debug, PartialEq)]
pub enum ToolDefinition {
    /// A function tool.
    Function {
        /// Its name.
        name: String,
        /// What it does.
        description: Option<String>,
        /// The JSON Schema of its arguments.
        parameters: Option<Value>,
    },
    /// Any other tool: its `type`, name and other fields.
    Generic {
        /// The tool's `type`.
        kind: String,
        /// Its name.
        name: String,
        /// Its other fields.
        fields: Map<String, Value>,
    },
}

impl ToolDefinition {
    /// The definition as the schema spells it.
    pub fn to_json(&self) -> Value {
        match self {
            ToolDefinition::Function { name, description, parameters } => {
                let mut tool = json!({ "type": "function", "name": name });
                if let Some(description) = description {
                    tool["description"] = Value::from(description.as_str());
                }
                if let Some(parameters) = parameters {
                    tool["parameters"] = parameters.clone();
                }
                tool
            }
            ToolDefinition::Generic { kind, name, fields } => {
                let mut tool = fields.clone();
                tool.insert("type".to_owned(), Value::from(kind.as_str()));
                tool.insert("name".to_owned(), Value::from(name.as_str()));
                Value::Object(tool)
            }
        }
    }
}

fn parts(parts: &[Part<'_>], limit: usize) -> Value {
    Value::Array(parts.iter().map(|part| part.json_within(limit)).collect())
}

/// `text`, cut to at most `limit` bytes at a character boundary and marked with `…`.
fn within(text: &str, limit: usize) -> Cow<'_, str> {
    if text.len() <= limit {
        return Cow::Borrowed(text);
    }
    let mut end = limit.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// A list of messages, parts or tool definitions as the schemas spell it.
pub fn to_json<T: ToJson>(items: &[T]) -> Value {
    json_within(items, usize::MAX)
}

/// The same, each text cut to at most `limit` bytes first: a long prompt is never copied
/// whole.
pub(crate) fn json_within<T: ToJson>(items: &[T], limit: usize) -> Value {
    Value::Array(items.iter().map(|item| item.json_within(limit)).collect())
}

/// Anything of the model that serialises to its schema's JSON.
pub trait ToJson {
    /// The value as its schema spells it, each text cut to at most `limit` bytes.
    fn json_within(&self, limit: usize) -> Value;
}

impl ToJson for ChatMessage<'_> {
    fn json_within(&self, limit: usize) -> Value {
        ChatMessage::json_within(self, limit)
    }
}

impl ToJson for OutputMessage<'_> {
    fn json_within(&self, limit: usize) -> Value {
        OutputMessage::json_within(self, limit)
    }
}

impl ToJson for Part<'_> {
    fn json_within(&self, limit: usize) -> Value {
        Part::json_within(self, limit)
    }
}

impl ToJson for ToolDefinition {
    fn json_within(&self, _limit: usize) -> Value {
        ToolDefinition::to_json(self)
    }
}

/// One message of yours, as the conventions' [`ChatMessage`]: implement it for your
/// message type, and lists of it (slices, `Vec`s, arrays) can be recorded as
/// `gen_ai.input.messages`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as a message of `gen_ai.input.messages`",
    label = "no conversion into the conventions' `ChatMessage`",
    note = "implement `otel_genai::content::messages::ToChatMessage` for it: only the typed message model is recorded, so that backends can read it"
)]
pub trait ToChatMessage {
    /// The message, borrowing its text from `self` where it can.
    fn to_chat_message(&self) -> ChatMessage<'_>;
}

/// One output message (choice) of yours, as the conventions' [`OutputMessage`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as a message of `gen_ai.output.messages`",
    label = "no conversion into the conventions' `OutputMessage`",
    note = "implement `otel_genai::content::messages::ToOutputMessage` for it"
)]
pub trait ToOutputMessage {
    /// The message, borrowing its text from `self` where it can.
    fn to_output_message(&self) -> OutputMessage<'_>;
}

/// One tool definition of yours, as the conventions' [`ToolDefinition`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded in `gen_ai.tool.definitions`",
    label = "no conversion into the conventions' `ToolDefinition`",
    note = "implement `otel_genai::content::messages::ToToolDefinition` for it"
)]
pub trait ToToolDefinition {
    /// The definition.
    fn to_tool_definition(&self) -> ToolDefinition;
}

impl ToChatMessage for ChatMessage<'_> {
    fn to_chat_message(&self) -> ChatMessage<'_> {
        ChatMessage {
            role: self.role.clone(),
            parts: self.parts.iter().map(Part::borrowed).collect(),
            name: self.name.clone(),
        }
    }
}

impl ToOutputMessage for OutputMessage<'_> {
    fn to_output_message(&self) -> OutputMessage<'_> {
        OutputMessage {
            role: self.role.clone(),
            parts: self.parts.iter().map(Part::borrowed).collect(),
            name: self.name.clone(),
            finish_reason: self.finish_reason,
        }
    }
}

impl ToToolDefinition for ToolDefinition {
    fn to_tool_definition(&self) -> ToolDefinition {
        self.clone()
    }
}

/// A value that can be recorded as `gen_ai.input.messages`: a list of messages that
/// convert into [`ChatMessage`]s (or your own container type implementing it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as `gen_ai.input.messages`",
    label = "no conversion into the conventions' message model",
    note = "implement `otel_genai::content::messages::ToChatMessage` for the message type (or `InputMessages` for the whole value): only the typed model is recorded, so that backends can read it"
)]
pub trait InputMessages {
    /// The messages.
    fn input_messages(&self) -> Vec<ChatMessage<'_>>;
}

/// A value that can be recorded as `gen_ai.output.messages`: a list of messages that
/// convert into [`OutputMessage`]s (or your own type implementing it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as `gen_ai.output.messages`",
    label = "no conversion into the conventions' message model",
    note = "implement `otel_genai::content::messages::ToOutputMessage` for the message type (or `OutputMessages` for the whole value)"
)]
pub trait OutputMessages {
    /// The messages, one per choice.
    fn output_messages(&self) -> Vec<OutputMessage<'_>>;
}

/// A value that can be recorded as `gen_ai.system_instructions`: text, or [`Part`]s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as `gen_ai.system_instructions`",
    label = "no conversion into the conventions' message parts",
    note = "system instructions take a `String`, a `&str` or `Part`s; implement `otel_genai::content::messages::SystemInstructions` for your type"
)]
pub trait SystemInstructions {
    /// The instructions, as parts.
    fn system_instructions(&self) -> Vec<Part<'_>>;
}

/// A value that can be recorded as `gen_ai.tool.definitions`: a list of definitions that
/// convert into [`ToolDefinition`]s (or your own type implementing it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as `gen_ai.tool.definitions`",
    label = "no conversion into the conventions' tool definitions",
    note = "implement `otel_genai::content::messages::ToToolDefinition` for the definition type (or `ToolDefinitions` for the whole value)"
)]
pub trait ToolDefinitions {
    /// The definitions.
    fn tool_definitions(&self) -> Vec<ToolDefinition>;
}

impl<T: ToChatMessage> InputMessages for [T] {
    fn input_messages(&self) -> Vec<ChatMessage<'_>> {
        self.iter().map(ToChatMessage::to_chat_message).collect()
    }
}

impl<T: ToOutputMessage> OutputMessages for [T] {
    fn output_messages(&self) -> Vec<OutputMessage<'_>> {
        self.iter().map(ToOutputMessage::to_output_message).collect()
    }
}

impl<T: ToToolDefinition> ToolDefinitions for [T] {
    fn tool_definitions(&self) -> Vec<ToolDefinition> {
        self.iter().map(ToToolDefinition::to_tool_definition).collect()
    }
}

impl SystemInstructions for [Part<'_>] {
    fn system_instructions(&self) -> Vec<Part<'_>> {
        self.iter().map(Part::borrowed).collect()
    }
}

impl SystemInstructions for str {
    fn system_instructions(&self) -> Vec<Part<'_>> {
        vec![Part::text(self)]
    }
}

impl SystemInstructions for String {
    fn system_instructions(&self) -> Vec<Part<'_>> {
        vec![Part::text(self.as_str())]
    }
}

/// Through `Vec`, arrays, references, boxes and `Option` (where `None` records nothing).
macro_rules! forward {
    ($trait:ident, $method:ident, $item:ty) => {
        impl<T: $trait + ?Sized> $trait for &T {
            fn $method(&self) -> Vec<$item> {
                (**self).$method()
            }
        }
        impl<T: $trait + ?Sized> $trait for Box<T> {
            fn $method(&self) -> Vec<$item> {
                (**self).$method()
            }
        }
        impl<T> $trait for Vec<T>
        where
            [T]: $trait,
        {
            fn $method(&self) -> Vec<$item> {
                self.as_slice().$method()
            }
        }
        impl<T, const N: usize> $trait for [T; N]
        where
            [T]: $trait,
        {
            fn $method(&self) -> Vec<$item> {
                self.as_slice().$method()
            }
        }
        impl<T: $trait> $trait for Option<T> {
            fn $method(&self) -> Vec<$item> {
                self.as_ref().map_or_else(Vec::new, $trait::$method)
            }
        }
    };
}

forward!(InputMessages, input_messages, ChatMessage<'_>);
forward!(OutputMessages, output_messages, OutputMessage<'_>);
forward!(ToolDefinitions, tool_definitions, ToolDefinition);
forward!(SystemInstructions, system_instructions, Part<'_>);

impl Part<'_> {
    /// The part, borrowing its text from this one.
    pub fn borrowed(&self) -> Part<'_> {
        match self {
            Part::Text(text) => Part::Text(Cow::Borrowed(text)),
            Part::ToolCall { id, name, arguments } => Part::ToolCall {
                id: id.clone(),
                name: name.clone(),
                arguments: arguments.as_deref().map(Cow::Borrowed),
            },
            Part::ToolCallResponse { id, response } => {
                Part::ToolCallResponse { id: id.clone(), response: Cow::Borrowed(response) }
            }
            Part::Reasoning(text) => Part::Reasoning(Cow::Borrowed(text)),
            Part::Blob { modality, mime_type, content } => {
                Part::Blob { modality: modality.clone(), mime_type: mime_type.clone(), content: Cow::Borrowed(content) }
            }
            other => other.clone(),
        }
    }
}
