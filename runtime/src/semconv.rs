//! The GenAI operations and the attribute names the runtime writes itself.

pub use crate::conventions::names as attr;
use crate::conventions::names::*;

/// The names of the events the conventions define (the runtime emits them as log records).
pub use crate::conventions::event_names as event;

/// The names of the totals an agent or workflow span carries: what ran inside it, its
/// own calls and its sub-agents' (not in the conventions: otel-genai's namespace, never
/// `gen_ai.usage.*`, so backends that sum usage do not count it twice).
pub mod total {
    /// Input tokens of every model call inside.
    pub const INPUT_TOKENS: &str = "otel_genai.total.input_tokens";
    /// Output tokens of every model call inside.
    pub const OUTPUT_TOKENS: &str = "otel_genai.total.output_tokens";
    /// Input tokens read from a provider's cache.
    pub const CACHE_READ_INPUT_TOKENS: &str = "otel_genai.total.cache_read.input_tokens";
    /// Input tokens written to a provider's cache.
    pub const CACHE_CREATION_INPUT_TOKENS: &str = "otel_genai.total.cache_creation.input_tokens";
    /// Output tokens spent on reasoning.
    pub const REASONING_OUTPUT_TOKENS: &str = "otel_genai.total.reasoning.output_tokens";
    /// The cost of every priced model call inside, in USD.
    pub const COST: &str = "otel_genai.total.cost";
    /// How many model calls ran inside.
    pub const INFERENCE_CALLS: &str = "otel_genai.total.inference_calls";
    /// How many tool calls ran inside.
    pub const TOOL_CALLS: &str = "otel_genai.total.tool_calls";
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
                GEN_AI_REQUEST_MODEL
            }
            Operation::Retrieval => GEN_AI_DATA_SOURCE_ID,
            Operation::InvokeAgent => GEN_AI_AGENT_NAME,
            Operation::InvokeWorkflow => GEN_AI_WORKFLOW_NAME,
            Operation::ExecuteTool => GEN_AI_TOOL_NAME,
        }
    }
}
