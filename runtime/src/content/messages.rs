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
//!     fn to_chat_message(&self) -> ChatMessage {
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

/// One part of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Text.
    Text(String),
    /// The model asks for a tool call.
    ToolCall {
        /// The call's id.
        id: Option<String>,
        /// The tool's name.
        name: String,
        /// The arguments (a JSON object, as the model wrote them).
        arguments: Option<Value>,
    },
    /// A tool's result, sent back to the model.
    ToolCallResponse {
        /// The id of the call it answers.
        id: Option<String>,
        /// What the tool returned.
        response: Value,
    },
    /// The model's reasoning.
    Reasoning(String),
    /// Inline data, base64 encoded. Recorded only if you build it: the conversions of
    /// this crate turn media into [`Part::Uri`] or [`Part::File`] where they can.
    Blob {
        /// The kind of media.
        modality: Modality,
        /// Its MIME type.
        mime_type: Option<String>,
        /// The data, base64.
        content: String,
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

impl Part {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Part {
        Part::Text(text.into())
    }

    /// The part as the schemas spell it.
    pub fn to_json(&self) -> Value {
        let media = |kind: &str, modality: &Modality, mime_type: &Option<String>, field: &str, value: &str| {
            let mut part = json!({ "type": kind, "modality": modality.name() });
            if let Some(mime_type) = mime_type {
                part["mime_type"] = Value::from(mime_type.as_str());
            }
            part[field] = Value::from(value);
            part
        };
        match self {
            Part::Text(text) => json!({ "type": "text", "content": text }),
            Part::ToolCall { id, name, arguments } => {
                let mut part = json!({ "type": "tool_call", "name": name });
                if let Some(id) = id {
                    part["id"] = Value::from(id.as_str());
                }
                if let Some(arguments) = arguments {
                    part["arguments"] = arguments.clone();
                }
                part
            }
            Part::ToolCallResponse { id, response } => {
                let mut part = json!({ "type": "tool_call_response", "response": response });
                if let Some(id) = id {
                    part["id"] = Value::from(id.as_str());
                }
                part
            }
            Part::Reasoning(text) => json!({ "type": "reasoning", "content": text }),
            Part::Blob { modality, mime_type, content } => media("blob", modality, mime_type, "content", content),
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
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// What it says.
    pub parts: Vec<Part>,
    /// The participant's name, when the provider takes one.
    pub name: Option<String>,
}

impl ChatMessage {
    /// A message of `role` made of `parts`.
    pub fn new(role: impl Into<Role>, parts: Vec<Part>) -> ChatMessage {
        ChatMessage { role: role.into(), parts, name: None }
    }

    /// A message of `role` with one text part.
    pub fn text(role: impl Into<Role>, text: impl Into<String>) -> ChatMessage {
        ChatMessage::new(role, vec![Part::text(text)])
    }

    /// The message as the schema spells it.
    pub fn to_json(&self) -> Value {
        let mut message = json!({ "role": self.role.name(), "parts": parts(&self.parts) });
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
pub struct OutputMessage {
    /// Who wrote it (usually the assistant).
    pub role: Role,
    /// What it says.
    pub parts: Vec<Part>,
    /// The participant's name, when the provider gives one.
    pub name: Option<String>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
}

impl OutputMessage {
    /// An assistant message made of `parts`.
    pub fn new(parts: Vec<Part>, finish_reason: FinishReason) -> OutputMessage {
        OutputMessage { role: Role::Assistant, parts, name: None, finish_reason }
    }

    /// The message as the schema spells it.
    pub fn to_json(&self) -> Value {
        let mut message = json!({
            "role": self.role.name(),
            "parts": parts(&self.parts),
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

fn parts(parts: &[Part]) -> Value {
    Value::Array(parts.iter().map(Part::to_json).collect())
}

/// A list of messages, parts or tool definitions as the schemas spell it.
pub fn to_json<T: ToJson>(items: &[T]) -> Value {
    Value::Array(items.iter().map(ToJson::to_json).collect())
}

/// Anything of the model that serialises to its schema's JSON.
pub trait ToJson {
    /// The value as its schema spells it.
    fn to_json(&self) -> Value;
}

impl ToJson for ChatMessage {
    fn to_json(&self) -> Value {
        ChatMessage::to_json(self)
    }
}

impl ToJson for OutputMessage {
    fn to_json(&self) -> Value {
        OutputMessage::to_json(self)
    }
}

impl ToJson for Part {
    fn to_json(&self) -> Value {
        Part::to_json(self)
    }
}

impl ToJson for ToolDefinition {
    fn to_json(&self) -> Value {
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
    /// The message.
    fn to_chat_message(&self) -> ChatMessage;
}

/// One output message (choice) of yours, as the conventions' [`OutputMessage`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as a message of `gen_ai.output.messages`",
    label = "no conversion into the conventions' `OutputMessage`",
    note = "implement `otel_genai::content::messages::ToOutputMessage` for it"
)]
pub trait ToOutputMessage {
    /// The message.
    fn to_output_message(&self) -> OutputMessage;
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

impl ToChatMessage for ChatMessage {
    fn to_chat_message(&self) -> ChatMessage {
        self.clone()
    }
}

impl ToOutputMessage for OutputMessage {
    fn to_output_message(&self) -> OutputMessage {
        self.clone()
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
    fn input_messages(&self) -> Vec<ChatMessage>;
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
    fn output_messages(&self) -> Vec<OutputMessage>;
}

/// A value that can be recorded as `gen_ai.system_instructions`: text, or [`Part`]s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as `gen_ai.system_instructions`",
    label = "no conversion into the conventions' message parts",
    note = "system instructions take a `String`, a `&str` or `Part`s; implement `otel_genai::content::messages::SystemInstructions` for your type"
)]
pub trait SystemInstructions {
    /// The instructions, as parts.
    fn system_instructions(&self) -> Vec<Part>;
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
    fn input_messages(&self) -> Vec<ChatMessage> {
        self.iter().map(ToChatMessage::to_chat_message).collect()
    }
}

impl<T: ToOutputMessage> OutputMessages for [T] {
    fn output_messages(&self) -> Vec<OutputMessage> {
        self.iter().map(ToOutputMessage::to_output_message).collect()
    }
}

impl<T: ToToolDefinition> ToolDefinitions for [T] {
    fn tool_definitions(&self) -> Vec<ToolDefinition> {
        self.iter().map(ToToolDefinition::to_tool_definition).collect()
    }
}

impl SystemInstructions for [Part] {
    fn system_instructions(&self) -> Vec<Part> {
        self.to_vec()
    }
}

impl SystemInstructions for str {
    fn system_instructions(&self) -> Vec<Part> {
        vec![Part::text(self)]
    }
}

impl SystemInstructions for String {
    fn system_instructions(&self) -> Vec<Part> {
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

forward!(InputMessages, input_messages, ChatMessage);
forward!(OutputMessages, output_messages, OutputMessage);
forward!(ToolDefinitions, tool_definitions, ToolDefinition);
forward!(SystemInstructions, system_instructions, Part);
