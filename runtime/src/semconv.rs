//! Names from the pinned OpenTelemetry GenAI semantic conventions
//! (`semantic-conventions-genai` at `fe5608e2`, schema `gen-ai-dev/1.42.0-dev`).

/// The schema URL of the pinned conventions, set on the instrumentation scope.
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/gen-ai-dev/1.42.0-dev";

/// Attribute keys the runtime itself writes or reads.
pub mod attr {
    /// `gen_ai.operation.name`
    pub const OPERATION_NAME: &str = "gen_ai.operation.name";
    /// `gen_ai.provider.name`
    pub const PROVIDER_NAME: &str = "gen_ai.provider.name";
    /// `gen_ai.request.model`
    pub const REQUEST_MODEL: &str = "gen_ai.request.model";
    /// `gen_ai.response.model`
    pub const RESPONSE_MODEL: &str = "gen_ai.response.model";
    /// `gen_ai.data_source.id`
    pub const DATA_SOURCE_ID: &str = "gen_ai.data_source.id";
    /// `gen_ai.agent.name`
    pub const AGENT_NAME: &str = "gen_ai.agent.name";
    /// `gen_ai.workflow.name`
    pub const WORKFLOW_NAME: &str = "gen_ai.workflow.name";
    /// `gen_ai.tool.name`
    pub const TOOL_NAME: &str = "gen_ai.tool.name";
    /// `gen_ai.tool.type`
    pub const TOOL_TYPE: &str = "gen_ai.tool.type";
    /// `gen_ai.usage.input_tokens`
    pub const USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
    /// `gen_ai.usage.output_tokens`
    pub const USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
    /// `error.type`
    pub const ERROR_TYPE: &str = "error.type";
}

/// A GenAI operation: the value of `gen_ai.operation.name` and the first word of the
/// span name.
///
/// ```
/// use otel_genai::Operation;
///
/// assert_eq!(Operation::InvokeAgent.name(), "invoke_agent");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `chat`: a chat completion.
    Chat,
    /// `text_completion`: a legacy text completion.
    TextCompletion,
    /// `generate_content`: a multimodal content generation.
    GenerateContent,
    /// `embeddings`: an embeddings request.
    Embeddings,
    /// `retrieval`: a query to a vector store or search system.
    Retrieval,
    /// `invoke_agent`: an agent run.
    InvokeAgent,
    /// `invoke_workflow`: a workflow coordinating several agents or operations.
    InvokeWorkflow,
    /// `execute_tool`: a tool call.
    ExecuteTool,
}

impl Operation {
    /// The value of `gen_ai.operation.name`.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::Chat => "chat",
            Operation::TextCompletion => "text_completion",
            Operation::GenerateContent => "generate_content",
            Operation::Embeddings => "embeddings",
            Operation::Retrieval => "retrieval",
            Operation::InvokeAgent => "invoke_agent",
            Operation::InvokeWorkflow => "invoke_workflow",
            Operation::ExecuteTool => "execute_tool",
        }
    }

    /// The attribute whose value completes the span name, as `spans.yaml` says.
    pub const fn naming_attribute(self) -> &'static str {
        match self {
            Operation::Chat | Operation::TextCompletion | Operation::GenerateContent | Operation::Embeddings => {
                attr::REQUEST_MODEL
            }
            Operation::Retrieval => attr::DATA_SOURCE_ID,
            Operation::InvokeAgent => attr::AGENT_NAME,
            Operation::InvokeWorkflow => attr::WORKFLOW_NAME,
            Operation::ExecuteTool => attr::TOOL_NAME,
        }
    }
}
