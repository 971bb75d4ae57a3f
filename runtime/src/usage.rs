//! Token usage as the conventions count it, and the normalisation of providers that count
//! it otherwise.

use crate::{Attributes, GenAiResponse, TokenCount};

/// Token usage as the conventions count it: cache-read and cache-creation tokens are parts
/// of `input`, reasoning tokens part of `output`. Recorded as the `gen_ai.usage.*`
/// attributes when returned (or in a response through `#[gen_ai(flatten)]`).
///
/// OpenAI-style APIs report usage this way. Anthropic's API reports `input_tokens`
/// *without* the tokens read from or written to its cache
/// ([`from_separate_cache`](TokenUsage::from_separate_cache) adds them back), so that a
/// backend summing `gen_ai.usage.input_tokens` sees every input token once.
///
/// ```
/// use otel_genai::TokenUsage;
///
/// // Anthropic: input_tokens 12, cache_read_input_tokens 1000, cache_creation_input_tokens 200.
/// let usage = TokenUsage::from_separate_cache(12, 1000, 200, 80);
/// assert_eq!(usage.input, 1212);
/// assert_eq!(usage.cache_read_input, Some(1000));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenUsage {
    /// Every input token, cached ones included.
    pub input: u64,
    /// Every output token, reasoning ones included.
    pub output: u64,
    /// Input tokens read from the provider's cache.
    pub cache_read_input: Option<u64>,
    /// Input tokens written to the provider's cache.
    pub cache_creation_input: Option<u64>,
    /// Output tokens spent on reasoning.
    pub reasoning_output: Option<u64>,
}

impl TokenUsage {
    /// Usage as the conventions count it.
    pub const fn new(input: u64, output: u64) -> TokenUsage {
        TokenUsage { input, output, cache_read_input: None, cache_creation_input: None, reasoning_output: None }
    }

    /// From a provider that counts cached input apart from the other input tokens
    /// (Anthropic): the input count is the sum of the three.
    pub const fn from_separate_cache(
        uncached_input: u64,
        cache_read: u64,
        cache_creation: u64,
        output: u64,
    ) -> TokenUsage {
        TokenUsage {
            input: uncached_input.saturating_add(cache_read).saturating_add(cache_creation),
            output,
            cache_read_input: Some(cache_read),
            cache_creation_input: Some(cache_creation),
            reasoning_output: None,
        }
    }
}

impl GenAiResponse for TokenUsage {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set(TokenCount::Input.attribute(), self.input);
        attrs.set(TokenCount::Output.attribute(), self.output);
        attrs.set(TokenCount::CacheReadInput.attribute(), self.cache_read_input);
        attrs.set(TokenCount::CacheCreationInput.attribute(), self.cache_creation_input);
        attrs.set(TokenCount::ReasoningOutput.attribute(), self.reasoning_output);
    }
}
