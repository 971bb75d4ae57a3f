// The pinned OpenTelemetry GenAI conventions as a typed table.
// Written by scripts/generate_conventions.py from semantic-conventions-genai at
// fe5608e2 and semantic-conventions v1.44.0; edit the script, not this file.

#![allow(dead_code)]

/// The schema URL of the pinned conventions.
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev";

/// The type of an attribute's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// A string (also enums of strings and templates).
    String,
    /// A 64-bit integer.
    Int,
    /// A 64-bit float.
    Double,
    /// A boolean.
    Boolean,
    /// An array of strings.
    StringArray,
    /// An array of integers.
    IntArray,
    /// An array of floats.
    DoubleArray,
    /// An array of booleans.
    BooleanArray,
    /// Structured content (JSON).
    Any,
}

impl ValueType {
    /// How the conventions write the type.
    pub const fn describe(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Int => "int",
            ValueType::Double => "double",
            ValueType::Boolean => "boolean",
            ValueType::StringArray => "string[]",
            ValueType::IntArray => "int[]",
            ValueType::DoubleArray => "double[]",
            ValueType::BooleanArray => "boolean[]",
            ValueType::Any => "any (structured JSON)",
        }
    }
}

/// How settled an attribute is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stability {
    /// Stable.
    Stable,
    /// In development: may change.
    Development,
}

/// When an attribute's value is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// When the operation starts (request parameters, identity): samplers can see it.
    Start,
    /// Only from the response or outcome.
    Response,
    /// Either.
    Either,
}

/// A span definition's requirement level for an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Always set.
    Required,
    /// Set when its condition holds.
    ConditionallyRequired,
    /// Set when available.
    Recommended,
    /// Set only when the user opts in.
    OptIn,
}

/// One attribute of the conventions.
#[derive(Debug)]
pub struct AttributeDef {
    /// The full name, such as `gen_ai.request.model`.
    pub name: &'static str,
    /// The value type.
    pub ty: ValueType,
    /// The well-known values of an enum attribute (open: other values are allowed).
    pub members: &'static [&'static str],
    /// A template: the real names are `{name}.<key>`.
    pub template: bool,
    /// Its stability.
    pub stability: Stability,
    /// When its value is known.
    pub phase: Phase,
    /// Message content: recorded only when content capture is on.
    pub content: bool,
    /// One line on what it holds.
    pub brief: &'static str,
    /// Not in the conventions: a name otel-genai records, such as `gen_ai.usage.cost`.
    pub extension: bool,
}

/// A deprecated attribute name.
#[derive(Debug)]
pub struct DeprecatedDef {
    /// The deprecated name.
    pub name: &'static str,
    /// The name to write instead, if there is one.
    pub replacement: Option<&'static str>,
    /// What the conventions say about it.
    pub note: &'static str,
}

/// An attribute of a span definition.
#[derive(Debug)]
pub struct SpanAttribute {
    /// The attribute name.
    pub name: &'static str,
    /// How strongly the span should carry it.
    pub requirement: Requirement,
    /// Whether samplers need it, so it belongs on the span at start.
    pub sampling_relevant: bool,
}

/// A span definition of `spans.yaml`.
#[derive(Debug)]
pub struct SpanDef {
    /// Its type, such as `gen_ai.inference.client`.
    pub span_type: &'static str,
    /// Kind CLIENT (else INTERNAL).
    pub client: bool,
    /// The `gen_ai.operation.name` values it describes.
    pub operations: &'static [&'static str],
    /// Its attributes.
    pub attributes: &'static [SpanAttribute],
}

/// How a metric's values are recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricValue {
    /// Integers (`u64`).
    Int,
    /// Floating-point numbers (`f64`).
    Double,
}

/// An attribute a metric's data points may carry.
#[derive(Debug)]
pub struct MetricAttribute {
    /// The attribute name.
    pub name: &'static str,
    /// How strongly the data points should carry it.
    pub requirement: Requirement,
}

/// A histogram metric.
#[derive(Debug)]
pub struct MetricDef {
    /// Its name, such as `gen_ai.client.operation.duration`.
    pub name: &'static str,
    /// Its unit, such as `s` or `{token}`.
    pub unit: &'static str,
    /// Whether it records integers or floats.
    pub value: MetricValue,
    /// What it measures.
    pub brief: &'static str,
    /// The attributes its data points may carry: low-cardinality ones only.
    pub attributes: &'static [MetricAttribute],
    /// The explicit bucket boundaries it is recorded with.
    pub buckets: &'static [f64],
    /// Not in the conventions: recorded by otel-genai.
    pub extension: bool,
}

/// The definition of the metric `name`.
pub fn metric(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|def| def.name == name)
}

/// The namespaces the conventions define: a key in one of them must be in the table.
pub const NAMESPACES: &[&str] = &["gen_ai.", "server.", "error.", "openai.", "aws.bedrock.", "mcp."];

/// The definition of `name`, also of a template's instances (`gen_ai.prompt.variable.user`).
pub fn attribute(name: &str) -> Option<&'static AttributeDef> {
    match ATTRIBUTES.binary_search_by(|def| def.name.cmp(name)) {
        Ok(index) => Some(&ATTRIBUTES[index]),
        Err(_) => ATTRIBUTES.iter().find(|def| {
            def.template
                && name.len() > def.name.len() + 1
                && name.starts_with(def.name)
                && name.as_bytes()[def.name.len()] == b'.'
        }),
    }
}

/// The deprecation of `name`, if it is deprecated.
pub fn deprecation(name: &str) -> Option<&'static DeprecatedDef> {
    DEPRECATED.iter().find(|def| def.name == name)
}

/// Whether `name` lies in a namespace the conventions define.
pub fn in_convention_namespace(name: &str) -> bool {
    NAMESPACES.iter().any(|namespace| name.starts_with(namespace))
}

/// Every attribute of the pinned conventions, sorted by name.
pub static ATTRIBUTES: &[AttributeDef] = &[
    AttributeDef {
        name: "aws.bedrock.guardrail.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique identifier of the AWS Bedrock Guardrail. A [guardrail](https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html) helps safeguard and prevent unwanted behavior from model responses or user messages.",
        extension: false,
    },
    AttributeDef {
        name: "aws.bedrock.knowledge_base.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique identifier of the AWS Bedrock Knowledge base. A [knowledge base](https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base.html) is a bank of information that can be queried by models to generate more relevant responses and augment prompts.",
        extension: false,
    },
    AttributeDef {
        name: "error.type",
        ty: ValueType::String,
        members: &["_OTHER"],
        template: false,
        stability: Stability::Stable,
        phase: Phase::Response,
        content: false,
        brief: "Describes a class of error the operation ended with.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.agent.description",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Free-form description of the GenAI agent provided by the application.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.agent.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique and stable identifier of the GenAI hosted agent resource.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.agent.name",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Human-readable name of the GenAI agent provided by the application.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.agent.version",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The version of the GenAI agent.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.conversation.compacted",
        ty: ValueType::Boolean,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "Indicates whether the effective conversation context used for this operation is a compacted view of a prior conversation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.conversation.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique identifier for a conversation (session, thread), used to store and correlate messages within this conversation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.data_source.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The data source identifier.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.embeddings.dimension.count",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The number of dimensions the resulting output embeddings should have.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.evaluation.explanation",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "A free-form explanation for the assigned score provided by the evaluator.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.evaluation.name",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The name of the evaluation metric used for the GenAI response.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.evaluation.score.label",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "Human readable label for evaluation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.evaluation.score.value",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The evaluation score returned by the evaluator.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.input.messages",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "The chat history provided to the model as an input.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.memory.query.text",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "The search query used to retrieve memories.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.memory.record.count",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The number of memory records relevant to the operation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.memory.record.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique identifier of the memory record.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.memory.records",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: true,
        brief: "The memory records stored or retrieved in a memory operation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.memory.store.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique identifier of the memory store.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.operation.name",
        ty: ValueType::String,
        members: &[
            "chat",
            "generate_content",
            "text_completion",
            "embeddings",
            "retrieval",
            "fetch_response",
            "create_agent",
            "invoke_agent",
            "execute_tool",
            "invoke_workflow",
            "plan",
            "search_memory",
            "create_memory",
            "update_memory",
            "upsert_memory",
            "delete_memory",
            "create_memory_store",
            "delete_memory_store",
        ],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The name of the operation being performed.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.output.messages",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: true,
        brief: "Messages returned by the model where each message represents a specific model response (choice, candidate).",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.output.type",
        ty: ValueType::String,
        members: &["text", "json", "image", "speech"],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Represents the content type requested by the client.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.prompt.name",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The name of the prompt that uniquely identifies it.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.prompt.variable",
        ty: ValueType::String,
        members: &[],
        template: true,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "The variables supplied to the prompt template, the `<key>` being the variable name, the value being the variable value.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.prompt.version",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The version of the prompt template used.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.provider.name",
        ty: ValueType::String,
        members: &[
            "openai",
            "gcp.gen_ai",
            "gcp.vertex_ai",
            "gcp.gemini",
            "anthropic",
            "cohere",
            "azure.ai.inference",
            "azure.ai.openai",
            "ibm.watsonx.ai",
            "aws.bedrock",
            "perplexity",
            "x_ai",
            "deepseek",
            "groq",
            "mistral_ai",
            "moonshot_ai",
        ],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The Generative AI provider as identified by the client or server instrumentation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.choice.count",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The target number of candidate completions to return.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.encoding_formats",
        ty: ValueType::StringArray,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The encoding formats requested in an embeddings operation, if specified.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.frequency_penalty",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The frequency penalty setting for the GenAI request.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.max_tokens",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The maximum number of tokens the model generates for a request.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.model",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The name of the GenAI model a request is being made to.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.presence_penalty",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The presence penalty setting for the GenAI request.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.previous_response.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The unique identifier of a previous response or interaction used to provide context for the current operation.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.reasoning.level",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The reasoning or thinking effort level requested for a GenAI model.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.seed",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Requests with same seed value more likely to return same result.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.stop_sequences",
        ty: ValueType::StringArray,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "List of sequences that the model will use to stop generating further tokens.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.stream",
        ty: ValueType::Boolean,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Indicates whether the GenAI request was made in streaming mode.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.stream_cursor",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The cursor identifying the last streamed event already received, used to resume a streamed response from that position.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.temperature",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The temperature setting for the GenAI request.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.top_k",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The top-K sampling setting for the GenAI request: restricts token generation at each step to the K most likely next tokens.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.request.top_p",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The top_p sampling setting for the GenAI request.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.response.finish_reasons",
        ty: ValueType::StringArray,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "Array of reasons the model stopped generating tokens, corresponding to each generation received.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.response.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The unique identifier for the completion.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.response.model",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The name of the model that generated the response.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.response.status",
        ty: ValueType::String,
        members: &["queued", "in_progress", "completed", "incomplete", "failed", "cancelled"],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The lifecycle status of a generated response, as reported by the provider when the response is fetched or polled.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.response.time_to_first_chunk",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "Time to first chunk in a streaming response, measured from request issuance, in seconds. The value is measured from when the client issues the generation request to when the first chunk is received in the response stream.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.retrieval.documents",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: true,
        brief: "The documents retrieved.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.retrieval.query.text",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "The query text used for retrieval.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.retrieval.top_k",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The maximum number of documents the retriever was asked to return for the query (also known as `k`, `limit`, or `max_num_results`).",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.system_instructions",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "The system message or instructions provided to the GenAI model separately from the chat history.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.token.type",
        ty: ValueType::String,
        members: &["input", "output"],
        template: false,
        stability: Stability::Development,
        phase: Phase::Either,
        content: false,
        brief: "The type of token being counted.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.call.arguments",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "Parameters passed to the tool call.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.call.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The tool call identifier.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.call.result",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: true,
        brief: "The result returned by the tool call (if any and if execution was successful).",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.definitions",
        ty: ValueType::Any,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: true,
        brief: "The list of tool definitions available to the GenAI agent or model.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.description",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The tool description.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.name",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Name of the tool utilized by the agent.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.tool.type",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Type of the tool utilized by the agent",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.usage.cache_creation.input_tokens",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The number of input tokens written to a provider-managed cache.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.usage.cache_read.input_tokens",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The number of input tokens served from a provider-managed cache.",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.usage.cost",
        ty: ValueType::Double,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The cost of the operation in USD, from its token usage and a price table (an otel-genai extension: the name Langfuse reads and OpenLIT writes).",
        extension: true,
    },
    AttributeDef {
        name: "gen_ai.usage.input_tokens",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The number of tokens used in the GenAI input (prompt).",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.usage.output_tokens",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The number of tokens used in the GenAI response (completion).",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.usage.reasoning.output_tokens",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The number of output tokens used for reasoning (e.g. chain-of-thought, extended thinking).",
        extension: false,
    },
    AttributeDef {
        name: "gen_ai.workflow.name",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "Human-readable name of the GenAI workflow provided by the application.",
        extension: false,
    },
    AttributeDef {
        name: "mcp.method.name",
        ty: ValueType::String,
        members: &[
            "notifications/cancelled",
            "initialize",
            "notifications/initialized",
            "notifications/progress",
            "ping",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "notifications/resources/list_changed",
            "resources/subscribe",
            "resources/unsubscribe",
            "notifications/resources/updated",
            "prompts/list",
            "prompts/get",
            "notifications/prompts/list_changed",
            "tools/list",
            "tools/call",
            "notifications/tools/list_changed",
            "logging/setLevel",
            "notifications/message",
            "sampling/createMessage",
            "completion/complete",
            "roots/list",
            "notifications/roots/list_changed",
            "elicitation/create",
        ],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The name of the request or notification method.",
        extension: false,
    },
    AttributeDef {
        name: "mcp.protocol.version",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The [version](https://modelcontextprotocol.io/specification/versioning) of the Model Context Protocol used.",
        extension: false,
    },
    AttributeDef {
        name: "mcp.resource.uri",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The value of the resource uri.",
        extension: false,
    },
    AttributeDef {
        name: "mcp.session.id",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "Identifies [MCP session](https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#session-management).",
        extension: false,
    },
    AttributeDef {
        name: "openai.api.type",
        ty: ValueType::String,
        members: &["chat_completions", "responses"],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The type of OpenAI API being used.",
        extension: false,
    },
    AttributeDef {
        name: "openai.request.service_tier",
        ty: ValueType::String,
        members: &["auto", "default"],
        template: false,
        stability: Stability::Development,
        phase: Phase::Start,
        content: false,
        brief: "The service tier requested. May be a specific tier, default, or auto.",
        extension: false,
    },
    AttributeDef {
        name: "openai.response.service_tier",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "The service tier used for the response.",
        extension: false,
    },
    AttributeDef {
        name: "openai.response.system_fingerprint",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Development,
        phase: Phase::Response,
        content: false,
        brief: "A fingerprint to track any eventual change in the Generative AI environment.",
        extension: false,
    },
    AttributeDef {
        name: "server.address",
        ty: ValueType::String,
        members: &[],
        template: false,
        stability: Stability::Stable,
        phase: Phase::Start,
        content: false,
        brief: "Server domain name if available without reverse DNS lookup; otherwise, IP address or UNIX domain socket name.",
        extension: false,
    },
    AttributeDef {
        name: "server.port",
        ty: ValueType::Int,
        members: &[],
        template: false,
        stability: Stability::Stable,
        phase: Phase::Start,
        content: false,
        brief: "Server port number.",
        extension: false,
    },
];

/// Every attribute name as a constant, such as `GEN_AI_REQUEST_MODEL`.
pub mod names {
    /// `aws.bedrock.guardrail.id`: The unique identifier of the AWS Bedrock Guardrail. A [guardrail](https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html) helps safeguard and prevent unwanted behavior from model responses or user messages.
    pub const AWS_BEDROCK_GUARDRAIL_ID: &str = "aws.bedrock.guardrail.id";
    /// `aws.bedrock.knowledge_base.id`: The unique identifier of the AWS Bedrock Knowledge base. A [knowledge base](https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base.html) is a bank of information that can be queried by models to generate more relevant responses and augment prompts.
    pub const AWS_BEDROCK_KNOWLEDGE_BASE_ID: &str = "aws.bedrock.knowledge_base.id";
    /// `error.type`: Describes a class of error the operation ended with.
    pub const ERROR_TYPE: &str = "error.type";
    /// `gen_ai.agent.description`: Free-form description of the GenAI agent provided by the application.
    pub const GEN_AI_AGENT_DESCRIPTION: &str = "gen_ai.agent.description";
    /// `gen_ai.agent.id`: The unique and stable identifier of the GenAI hosted agent resource.
    pub const GEN_AI_AGENT_ID: &str = "gen_ai.agent.id";
    /// `gen_ai.agent.name`: Human-readable name of the GenAI agent provided by the application.
    pub const GEN_AI_AGENT_NAME: &str = "gen_ai.agent.name";
    /// `gen_ai.agent.version`: The version of the GenAI agent.
    pub const GEN_AI_AGENT_VERSION: &str = "gen_ai.agent.version";
    /// `gen_ai.conversation.compacted`: Indicates whether the effective conversation context used for this operation is a compacted view of a prior conversation.
    pub const GEN_AI_CONVERSATION_COMPACTED: &str = "gen_ai.conversation.compacted";
    /// `gen_ai.conversation.id`: The unique identifier for a conversation (session, thread), used to store and correlate messages within this conversation.
    pub const GEN_AI_CONVERSATION_ID: &str = "gen_ai.conversation.id";
    /// `gen_ai.data_source.id`: The data source identifier.
    pub const GEN_AI_DATA_SOURCE_ID: &str = "gen_ai.data_source.id";
    /// `gen_ai.embeddings.dimension.count`: The number of dimensions the resulting output embeddings should have.
    pub const GEN_AI_EMBEDDINGS_DIMENSION_COUNT: &str = "gen_ai.embeddings.dimension.count";
    /// `gen_ai.evaluation.explanation`: A free-form explanation for the assigned score provided by the evaluator.
    pub const GEN_AI_EVALUATION_EXPLANATION: &str = "gen_ai.evaluation.explanation";
    /// `gen_ai.evaluation.name`: The name of the evaluation metric used for the GenAI response.
    pub const GEN_AI_EVALUATION_NAME: &str = "gen_ai.evaluation.name";
    /// `gen_ai.evaluation.score.label`: Human readable label for evaluation.
    pub const GEN_AI_EVALUATION_SCORE_LABEL: &str = "gen_ai.evaluation.score.label";
    /// `gen_ai.evaluation.score.value`: The evaluation score returned by the evaluator.
    pub const GEN_AI_EVALUATION_SCORE_VALUE: &str = "gen_ai.evaluation.score.value";
    /// `gen_ai.input.messages`: The chat history provided to the model as an input.
    pub const GEN_AI_INPUT_MESSAGES: &str = "gen_ai.input.messages";
    /// `gen_ai.memory.query.text`: The search query used to retrieve memories.
    pub const GEN_AI_MEMORY_QUERY_TEXT: &str = "gen_ai.memory.query.text";
    /// `gen_ai.memory.record.count`: The number of memory records relevant to the operation.
    pub const GEN_AI_MEMORY_RECORD_COUNT: &str = "gen_ai.memory.record.count";
    /// `gen_ai.memory.record.id`: The unique identifier of the memory record.
    pub const GEN_AI_MEMORY_RECORD_ID: &str = "gen_ai.memory.record.id";
    /// `gen_ai.memory.records`: The memory records stored or retrieved in a memory operation.
    pub const GEN_AI_MEMORY_RECORDS: &str = "gen_ai.memory.records";
    /// `gen_ai.memory.store.id`: The unique identifier of the memory store.
    pub const GEN_AI_MEMORY_STORE_ID: &str = "gen_ai.memory.store.id";
    /// `gen_ai.operation.name`: The name of the operation being performed.
    pub const GEN_AI_OPERATION_NAME: &str = "gen_ai.operation.name";
    /// `gen_ai.output.messages`: Messages returned by the model where each message represents a specific model response (choice, candidate).
    pub const GEN_AI_OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
    /// `gen_ai.output.type`: Represents the content type requested by the client.
    pub const GEN_AI_OUTPUT_TYPE: &str = "gen_ai.output.type";
    /// `gen_ai.prompt.name`: The name of the prompt that uniquely identifies it.
    pub const GEN_AI_PROMPT_NAME: &str = "gen_ai.prompt.name";
    /// `gen_ai.prompt.variable`: The variables supplied to the prompt template, the `<key>` being the variable name, the value being the variable value.
    pub const GEN_AI_PROMPT_VARIABLE: &str = "gen_ai.prompt.variable";
    /// `gen_ai.prompt.version`: The version of the prompt template used.
    pub const GEN_AI_PROMPT_VERSION: &str = "gen_ai.prompt.version";
    /// `gen_ai.provider.name`: The Generative AI provider as identified by the client or server instrumentation.
    pub const GEN_AI_PROVIDER_NAME: &str = "gen_ai.provider.name";
    /// `gen_ai.request.choice.count`: The target number of candidate completions to return.
    pub const GEN_AI_REQUEST_CHOICE_COUNT: &str = "gen_ai.request.choice.count";
    /// `gen_ai.request.encoding_formats`: The encoding formats requested in an embeddings operation, if specified.
    pub const GEN_AI_REQUEST_ENCODING_FORMATS: &str = "gen_ai.request.encoding_formats";
    /// `gen_ai.request.frequency_penalty`: The frequency penalty setting for the GenAI request.
    pub const GEN_AI_REQUEST_FREQUENCY_PENALTY: &str = "gen_ai.request.frequency_penalty";
    /// `gen_ai.request.max_tokens`: The maximum number of tokens the model generates for a request.
    pub const GEN_AI_REQUEST_MAX_TOKENS: &str = "gen_ai.request.max_tokens";
    /// `gen_ai.request.model`: The name of the GenAI model a request is being made to.
    pub const GEN_AI_REQUEST_MODEL: &str = "gen_ai.request.model";
    /// `gen_ai.request.presence_penalty`: The presence penalty setting for the GenAI request.
    pub const GEN_AI_REQUEST_PRESENCE_PENALTY: &str = "gen_ai.request.presence_penalty";
    /// `gen_ai.request.previous_response.id`: The unique identifier of a previous response or interaction used to provide context for the current operation.
    pub const GEN_AI_REQUEST_PREVIOUS_RESPONSE_ID: &str = "gen_ai.request.previous_response.id";
    /// `gen_ai.request.reasoning.level`: The reasoning or thinking effort level requested for a GenAI model.
    pub const GEN_AI_REQUEST_REASONING_LEVEL: &str = "gen_ai.request.reasoning.level";
    /// `gen_ai.request.seed`: Requests with same seed value more likely to return same result.
    pub const GEN_AI_REQUEST_SEED: &str = "gen_ai.request.seed";
    /// `gen_ai.request.stop_sequences`: List of sequences that the model will use to stop generating further tokens.
    pub const GEN_AI_REQUEST_STOP_SEQUENCES: &str = "gen_ai.request.stop_sequences";
    /// `gen_ai.request.stream`: Indicates whether the GenAI request was made in streaming mode.
    pub const GEN_AI_REQUEST_STREAM: &str = "gen_ai.request.stream";
    /// `gen_ai.request.stream_cursor`: The cursor identifying the last streamed event already received, used to resume a streamed response from that position.
    pub const GEN_AI_REQUEST_STREAM_CURSOR: &str = "gen_ai.request.stream_cursor";
    /// `gen_ai.request.temperature`: The temperature setting for the GenAI request.
    pub const GEN_AI_REQUEST_TEMPERATURE: &str = "gen_ai.request.temperature";
    /// `gen_ai.request.top_k`: The top-K sampling setting for the GenAI request: restricts token generation at each step to the K most likely next tokens.
    pub const GEN_AI_REQUEST_TOP_K: &str = "gen_ai.request.top_k";
    /// `gen_ai.request.top_p`: The top_p sampling setting for the GenAI request.
    pub const GEN_AI_REQUEST_TOP_P: &str = "gen_ai.request.top_p";
    /// `gen_ai.response.finish_reasons`: Array of reasons the model stopped generating tokens, corresponding to each generation received.
    pub const GEN_AI_RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
    /// `gen_ai.response.id`: The unique identifier for the completion.
    pub const GEN_AI_RESPONSE_ID: &str = "gen_ai.response.id";
    /// `gen_ai.response.model`: The name of the model that generated the response.
    pub const GEN_AI_RESPONSE_MODEL: &str = "gen_ai.response.model";
    /// `gen_ai.response.status`: The lifecycle status of a generated response, as reported by the provider when the response is fetched or polled.
    pub const GEN_AI_RESPONSE_STATUS: &str = "gen_ai.response.status";
    /// `gen_ai.response.time_to_first_chunk`: Time to first chunk in a streaming response, measured from request issuance, in seconds. The value is measured from when the client issues the generation request to when the first chunk is received in the response stream.
    pub const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: &str = "gen_ai.response.time_to_first_chunk";
    /// `gen_ai.retrieval.documents`: The documents retrieved.
    pub const GEN_AI_RETRIEVAL_DOCUMENTS: &str = "gen_ai.retrieval.documents";
    /// `gen_ai.retrieval.query.text`: The query text used for retrieval.
    pub const GEN_AI_RETRIEVAL_QUERY_TEXT: &str = "gen_ai.retrieval.query.text";
    /// `gen_ai.retrieval.top_k`: The maximum number of documents the retriever was asked to return for the query (also known as `k`, `limit`, or `max_num_results`).
    pub const GEN_AI_RETRIEVAL_TOP_K: &str = "gen_ai.retrieval.top_k";
    /// `gen_ai.system_instructions`: The system message or instructions provided to the GenAI model separately from the chat history.
    pub const GEN_AI_SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
    /// `gen_ai.token.type`: The type of token being counted.
    pub const GEN_AI_TOKEN_TYPE: &str = "gen_ai.token.type";
    /// `gen_ai.tool.call.arguments`: Parameters passed to the tool call.
    pub const GEN_AI_TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
    /// `gen_ai.tool.call.id`: The tool call identifier.
    pub const GEN_AI_TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
    /// `gen_ai.tool.call.result`: The result returned by the tool call (if any and if execution was successful).
    pub const GEN_AI_TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
    /// `gen_ai.tool.definitions`: The list of tool definitions available to the GenAI agent or model.
    pub const GEN_AI_TOOL_DEFINITIONS: &str = "gen_ai.tool.definitions";
    /// `gen_ai.tool.description`: The tool description.
    pub const GEN_AI_TOOL_DESCRIPTION: &str = "gen_ai.tool.description";
    /// `gen_ai.tool.name`: Name of the tool utilized by the agent.
    pub const GEN_AI_TOOL_NAME: &str = "gen_ai.tool.name";
    /// `gen_ai.tool.type`: Type of the tool utilized by the agent
    pub const GEN_AI_TOOL_TYPE: &str = "gen_ai.tool.type";
    /// `gen_ai.usage.cache_creation.input_tokens`: The number of input tokens written to a provider-managed cache.
    pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str = "gen_ai.usage.cache_creation.input_tokens";
    /// `gen_ai.usage.cache_read.input_tokens`: The number of input tokens served from a provider-managed cache.
    pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
    /// `gen_ai.usage.cost`: The cost of the operation in USD, from its token usage and a price table (an otel-genai extension: the name Langfuse reads and OpenLIT writes).
    pub const GEN_AI_USAGE_COST: &str = "gen_ai.usage.cost";
    /// `gen_ai.usage.input_tokens`: The number of tokens used in the GenAI input (prompt).
    pub const GEN_AI_USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
    /// `gen_ai.usage.output_tokens`: The number of tokens used in the GenAI response (completion).
    pub const GEN_AI_USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
    /// `gen_ai.usage.reasoning.output_tokens`: The number of output tokens used for reasoning (e.g. chain-of-thought, extended thinking).
    pub const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: &str = "gen_ai.usage.reasoning.output_tokens";
    /// `gen_ai.workflow.name`: Human-readable name of the GenAI workflow provided by the application.
    pub const GEN_AI_WORKFLOW_NAME: &str = "gen_ai.workflow.name";
    /// `mcp.method.name`: The name of the request or notification method.
    pub const MCP_METHOD_NAME: &str = "mcp.method.name";
    /// `mcp.protocol.version`: The [version](https://modelcontextprotocol.io/specification/versioning) of the Model Context Protocol used.
    pub const MCP_PROTOCOL_VERSION: &str = "mcp.protocol.version";
    /// `mcp.resource.uri`: The value of the resource uri.
    pub const MCP_RESOURCE_URI: &str = "mcp.resource.uri";
    /// `mcp.session.id`: Identifies [MCP session](https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#session-management).
    pub const MCP_SESSION_ID: &str = "mcp.session.id";
    /// `openai.api.type`: The type of OpenAI API being used.
    pub const OPENAI_API_TYPE: &str = "openai.api.type";
    /// `openai.request.service_tier`: The service tier requested. May be a specific tier, default, or auto.
    pub const OPENAI_REQUEST_SERVICE_TIER: &str = "openai.request.service_tier";
    /// `openai.response.service_tier`: The service tier used for the response.
    pub const OPENAI_RESPONSE_SERVICE_TIER: &str = "openai.response.service_tier";
    /// `openai.response.system_fingerprint`: A fingerprint to track any eventual change in the Generative AI environment.
    pub const OPENAI_RESPONSE_SYSTEM_FINGERPRINT: &str = "openai.response.system_fingerprint";
    /// `server.address`: Server domain name if available without reverse DNS lookup; otherwise, IP address or UNIX domain socket name.
    pub const SERVER_ADDRESS: &str = "server.address";
    /// `server.port`: Server port number.
    pub const SERVER_PORT: &str = "server.port";
}

/// Deprecated names: never emitted, a compile error where written.
pub static DEPRECATED: &[DeprecatedDef] = &[
    DeprecatedDef { name: "gen_ai.completion", replacement: None, note: "Removed, no replacement at this time." },
    DeprecatedDef {
        name: "gen_ai.openai.request.response_format",
        replacement: Some("gen_ai.output.type"),
        note: "Replaced by `gen_ai.output.type`.",
    },
    DeprecatedDef {
        name: "gen_ai.openai.request.seed",
        replacement: Some("gen_ai.request.seed"),
        note: "Replaced by `gen_ai.request.seed`.",
    },
    DeprecatedDef {
        name: "gen_ai.openai.request.service_tier",
        replacement: Some("openai.request.service_tier"),
        note: "Replaced by `openai.request.service_tier`.",
    },
    DeprecatedDef {
        name: "gen_ai.openai.response.service_tier",
        replacement: Some("openai.response.service_tier"),
        note: "Replaced by `openai.response.service_tier`.",
    },
    DeprecatedDef {
        name: "gen_ai.openai.response.system_fingerprint",
        replacement: Some("openai.response.system_fingerprint"),
        note: "Replaced by `openai.response.system_fingerprint`.",
    },
    DeprecatedDef { name: "gen_ai.prompt", replacement: None, note: "Removed, no replacement at this time." },
    DeprecatedDef {
        name: "gen_ai.system",
        replacement: Some("gen_ai.provider.name"),
        note: "Replaced by `gen_ai.provider.name`.",
    },
    DeprecatedDef {
        name: "gen_ai.usage.completion_tokens",
        replacement: Some("gen_ai.usage.output_tokens"),
        note: "Replaced by `gen_ai.usage.output_tokens`.",
    },
    DeprecatedDef {
        name: "gen_ai.usage.prompt_tokens",
        replacement: Some("gen_ai.usage.input_tokens"),
        note: "Replaced by `gen_ai.usage.input_tokens`.",
    },
];

/// The span definitions of `spans.yaml` with their attributes' requirement levels.
pub static SPANS: &[SpanDef] = &[
    SpanDef {
        span_type: "gen_ai.inference.client",
        client: true,
        operations: &["chat", "text_completion", "generate_content"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.conversation.compacted",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.conversation.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.input.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.output.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.output.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.prompt.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.prompt.variable", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.prompt.version",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required, sampling_relevant: true },
            SpanAttribute {
                name: "gen_ai.request.choice.count",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.frequency_penalty",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.max_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.model",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.request.presence_penalty",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.previous_response.id",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.reasoning.level",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.seed",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.stop_sequences",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.stream",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.temperature",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.top_k",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.top_p",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.finish_reasons",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.id",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.model",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.time_to_first_chunk",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.system_instructions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.definitions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.cache_creation.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.cache_read.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.output_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.reasoning.output_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: true },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.embeddings.client",
        client: true,
        operations: &["embeddings"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.embeddings.dimension.count",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required, sampling_relevant: true },
            SpanAttribute {
                name: "gen_ai.request.encoding_formats",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.model",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.response.model",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: true },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.retrieval.client",
        client: true,
        operations: &["retrieval"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.data_source.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.provider.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.model",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.retrieval.documents",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.retrieval.query.text",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.retrieval.top_k",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: false },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.fetch_response.client",
        client: true,
        operations: &["fetch_response"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.output.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required, sampling_relevant: true },
            SpanAttribute {
                name: "gen_ai.request.stream_cursor",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.finish_reasons",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.response.id", requirement: Requirement::Required, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.response.model",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.status",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.system_instructions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.definitions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: true },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.memory.client",
        client: true,
        operations: &[
            "create_memory_store",
            "search_memory",
            "create_memory",
            "update_memory",
            "upsert_memory",
            "delete_memory",
            "delete_memory_store",
        ],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.memory.query.text",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.memory.record.count",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.memory.record.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.memory.records", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.memory.store.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.provider.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: false },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.create_agent.client",
        client: true,
        operations: &["create_agent"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.description",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.agent.version",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required, sampling_relevant: true },
            SpanAttribute {
                name: "gen_ai.request.model",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.system_instructions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: true },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.invoke_agent.client",
        client: true,
        operations: &["invoke_agent"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.description",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.agent.version",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.conversation.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.data_source.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.input.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.output.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.output.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required, sampling_relevant: true },
            SpanAttribute {
                name: "gen_ai.request.choice.count",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.frequency_penalty",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.max_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.model",
                requirement: Requirement::Recommended,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.request.presence_penalty",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.previous_response.id",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.seed",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.stop_sequences",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.temperature",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.top_p",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.finish_reasons",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.system_instructions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.definitions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.cache_creation.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.cache_read.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.output_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute { name: "server.address", requirement: Requirement::Recommended, sampling_relevant: true },
            SpanAttribute {
                name: "server.port",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.invoke_agent.internal",
        client: false,
        operations: &["invoke_agent"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.description",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.conversation.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.data_source.id",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.input.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.output.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.output.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.choice.count",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.frequency_penalty",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.max_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.model",
                requirement: Requirement::Recommended,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.request.presence_penalty",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.seed",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.stop_sequences",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.temperature",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.request.top_p",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.response.finish_reasons",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.system_instructions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.definitions",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.cache_creation.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.cache_read.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.input_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.usage.output_tokens",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.execute_tool.internal",
        client: false,
        operations: &["execute_tool"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute {
                name: "gen_ai.tool.call.arguments",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.call.id",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.call.result",
                requirement: Requirement::OptIn,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.tool.description",
                requirement: Requirement::Recommended,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.tool.name", requirement: Requirement::Required, sampling_relevant: true },
            SpanAttribute { name: "gen_ai.tool.type", requirement: Requirement::Recommended, sampling_relevant: true },
        ],
    },
    SpanDef {
        span_type: "gen_ai.invoke_workflow.internal",
        client: false,
        operations: &["invoke_workflow"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute { name: "gen_ai.input.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
            SpanAttribute { name: "gen_ai.output.messages", requirement: Requirement::OptIn, sampling_relevant: false },
            SpanAttribute {
                name: "gen_ai.workflow.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
        ],
    },
    SpanDef {
        span_type: "gen_ai.plan.internal",
        client: false,
        operations: &["plan"],
        attributes: &[
            SpanAttribute {
                name: "error.type",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.agent.name",
                requirement: Requirement::ConditionallyRequired,
                sampling_relevant: false,
            },
            SpanAttribute {
                name: "gen_ai.operation.name",
                requirement: Requirement::Required,
                sampling_relevant: true,
            },
        ],
    },
];

/// The metrics of `metrics.yaml` (all histograms), and ours marked as extensions, sorted by name.
pub static METRICS: &[MetricDef] = &[
    MetricDef {
        name: "gen_ai.client.operation.duration",
        unit: "s",
        value: MetricValue::Double,
        brief: "GenAI operation duration.",
        attributes: &[
            MetricAttribute { name: "error.type", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.client.operation.time_per_output_chunk",
        unit: "s",
        value: MetricValue::Double,
        brief: "Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.",
        attributes: &[
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.client.operation.time_to_first_chunk",
        unit: "s",
        value: MetricValue::Double,
        brief: "Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.",
        attributes: &[
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.client.token.usage",
        unit: "{token}",
        value: MetricValue::Int,
        brief: "Number of input and output tokens used.",
        attributes: &[
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "gen_ai.token.type", requirement: Requirement::Required },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[
            1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
            67108864.0,
        ],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.evaluation.score",
        unit: "1",
        value: MetricValue::Double,
        brief: "Evaluation scores (`gen_ai.evaluation.score.value`) by evaluation name and label.",
        attributes: &[
            MetricAttribute { name: "gen_ai.evaluation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.evaluation.score.label", requirement: Requirement::Recommended },
        ],
        buckets: &[0.0, 0.25, 0.5, 0.75, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0],
        extension: true,
    },
    MetricDef {
        name: "gen_ai.execute_tool.duration",
        unit: "s",
        value: MetricValue::Double,
        brief: "The duration of a single tool execution.",
        attributes: &[
            MetricAttribute { name: "error.type", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.agent.name", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.tool.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.tool.type", requirement: Requirement::Recommended },
        ],
        buckets: &[0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.invoke_agent.duration",
        unit: "s",
        value: MetricValue::Double,
        brief: "The end-to-end duration of a single in-process agent invocation, from the moment the invocation starts until the agent emits the last chunk of its final response or terminates with an error.",
        attributes: &[
            MetricAttribute { name: "error.type", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.agent.name", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::Recommended },
        ],
        buckets: &[0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.invoke_agent.inference_calls",
        unit: "{inference_call}",
        value: MetricValue::Int,
        brief: "The number of inference (model) calls a GenAI agent makes during a single invocation.",
        attributes: &[MetricAttribute { name: "gen_ai.agent.name", requirement: Requirement::Recommended }],
        buckets: &[0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.invoke_agent.tool_calls",
        unit: "{tool_call}",
        value: MetricValue::Int,
        brief: "The number of tool calls a GenAI agent makes during a single invocation.",
        attributes: &[MetricAttribute { name: "gen_ai.agent.name", requirement: Requirement::Recommended }],
        buckets: &[0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.server.request.duration",
        unit: "s",
        value: MetricValue::Double,
        brief: "Generative AI server request duration such as time-to-last byte or last output token.",
        attributes: &[
            MetricAttribute { name: "error.type", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.server.time_per_output_token",
        unit: "s",
        value: MetricValue::Double,
        brief: "Time per output token generated after the first token for successful responses.",
        attributes: &[
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.server.time_to_first_token",
        unit: "s",
        value: MetricValue::Double,
        brief: "Time to generate first token for successful responses.",
        attributes: &[
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.address", requirement: Requirement::Recommended },
            MetricAttribute { name: "server.port", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
        extension: false,
    },
    MetricDef {
        name: "gen_ai.usage.cost",
        unit: "USD",
        value: MetricValue::Double,
        brief: "The cost of GenAI operations in USD, from their token usage and a price table.",
        attributes: &[
            MetricAttribute { name: "gen_ai.operation.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.provider.name", requirement: Requirement::Required },
            MetricAttribute { name: "gen_ai.request.model", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.response.model", requirement: Requirement::Recommended },
        ],
        buckets: &[1e-05, 0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0],
        extension: true,
    },
    MetricDef {
        name: "gen_ai.workflow.duration",
        unit: "s",
        value: MetricValue::Double,
        brief: "GenAI workflow duration.",
        attributes: &[
            MetricAttribute { name: "error.type", requirement: Requirement::ConditionallyRequired },
            MetricAttribute { name: "gen_ai.workflow.name", requirement: Requirement::ConditionallyRequired },
        ],
        buckets: &[0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
        extension: false,
    },
];

/// Every metric name as a constant, such as `GEN_AI_CLIENT_OPERATION_DURATION`.
pub mod metric_names {
    /// `gen_ai.client.operation.duration`: GenAI operation duration.
    pub const GEN_AI_CLIENT_OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
    /// `gen_ai.client.operation.time_per_output_chunk`: Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.
    pub const GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK: &str = "gen_ai.client.operation.time_per_output_chunk";
    /// `gen_ai.client.operation.time_to_first_chunk`: Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.
    pub const GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK: &str = "gen_ai.client.operation.time_to_first_chunk";
    /// `gen_ai.client.token.usage`: Number of input and output tokens used.
    pub const GEN_AI_CLIENT_TOKEN_USAGE: &str = "gen_ai.client.token.usage";
    /// `gen_ai.evaluation.score`: Evaluation scores (`gen_ai.evaluation.score.value`) by evaluation name and label.
    pub const GEN_AI_EVALUATION_SCORE: &str = "gen_ai.evaluation.score";
    /// `gen_ai.execute_tool.duration`: The duration of a single tool execution.
    pub const GEN_AI_EXECUTE_TOOL_DURATION: &str = "gen_ai.execute_tool.duration";
    /// `gen_ai.invoke_agent.duration`: The end-to-end duration of a single in-process agent invocation, from the moment the invocation starts until the agent emits the last chunk of its final response or terminates with an error.
    pub const GEN_AI_INVOKE_AGENT_DURATION: &str = "gen_ai.invoke_agent.duration";
    /// `gen_ai.invoke_agent.inference_calls`: The number of inference (model) calls a GenAI agent makes during a single invocation.
    pub const GEN_AI_INVOKE_AGENT_INFERENCE_CALLS: &str = "gen_ai.invoke_agent.inference_calls";
    /// `gen_ai.invoke_agent.tool_calls`: The number of tool calls a GenAI agent makes during a single invocation.
    pub const GEN_AI_INVOKE_AGENT_TOOL_CALLS: &str = "gen_ai.invoke_agent.tool_calls";
    /// `gen_ai.server.request.duration`: Generative AI server request duration such as time-to-last byte or last output token.
    pub const GEN_AI_SERVER_REQUEST_DURATION: &str = "gen_ai.server.request.duration";
    /// `gen_ai.server.time_per_output_token`: Time per output token generated after the first token for successful responses.
    pub const GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN: &str = "gen_ai.server.time_per_output_token";
    /// `gen_ai.server.time_to_first_token`: Time to generate first token for successful responses.
    pub const GEN_AI_SERVER_TIME_TO_FIRST_TOKEN: &str = "gen_ai.server.time_to_first_token";
    /// `gen_ai.usage.cost`: The cost of GenAI operations in USD, from their token usage and a price table.
    pub const GEN_AI_USAGE_COST: &str = "gen_ai.usage.cost";
    /// `gen_ai.workflow.duration`: GenAI workflow duration.
    pub const GEN_AI_WORKFLOW_DURATION: &str = "gen_ai.workflow.duration";
}

/// Every event name as a constant, such as `GEN_AI_EVALUATION_RESULT`.
pub mod event_names {
    /// `gen_ai.client.inference.operation.details`: Describes the details of a GenAI completion request including chat history and parameters.
    pub const GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS: &str = "gen_ai.client.inference.operation.details";
    /// `gen_ai.client.operation.exception`: This event represents an exception that occurred during a Generative AI client operation, such as API errors, rate limiting, model errors, timeouts, or other errors that prevent the operation from completing successfully.
    pub const GEN_AI_CLIENT_OPERATION_EXCEPTION: &str = "gen_ai.client.operation.exception";
    /// `gen_ai.evaluation.result`: This event captures the result of evaluating GenAI output for quality, accuracy, or other characteristics. This event SHOULD be parented to GenAI operation span being evaluated when possible or set `gen_ai.response.id` when span id is not available.
    pub const GEN_AI_EVALUATION_RESULT: &str = "gen_ai.evaluation.result";
}
