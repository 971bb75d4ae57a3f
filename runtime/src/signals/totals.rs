//! What an agent or workflow run did, summed as its descendants end: tokens by type, cost,
//! and model and tool calls. Each run is a node in the context its body runs in, linked
//! to the enclosing run's node, so the counts are right across concurrent children and
//! spawned tasks (which carry the context).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::{KeyValue, Value};

use crate::TokenCount;
use crate::semconv::total;
use crate::span::CallSite;

/// Token counts by type, as a call reported them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Usage(pub(crate) [Option<u64>; 5]);

impl Usage {
    pub(crate) fn get(&self, count: TokenCount) -> Option<u64> {
        self.0[count as usize]
    }

    pub(crate) fn set(&mut self, count: TokenCount, tokens: u64) {
        self.0[count as usize] = Some(tokens);
    }

    pub(crate) fn add(&mut self, count: TokenCount, tokens: u64) {
        let slot = &mut self.0[count as usize];
        *slot = Some(slot.unwrap_or(0).saturating_add(tokens));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// The attribute names of the totals, in [`TokenCount`] order, then cost and calls.
const TOTAL_TOKENS: [&str; 5] = [
    total::INPUT_TOKENS,
    total::OUTPUT_TOKENS,
    total::CACHE_READ_INPUT_TOKENS,
    total::CACHE_CREATION_INPUT_TOKENS,
    total::REASONING_OUTPUT_TOKENS,
];

/// Cost is summed in billionths of a dollar, so that it adds up atomically.
const NANOS_PER_USD: f64 = 1e9;

/// One agent or workflow run.
#[derive(Debug)]
pub(crate) struct RunNode {
    agent: bool,
    /// `gen_ai.agent.name` of an agent run: the tools it executes carry it in their metrics.
    pub(crate) name: Option<Value>,
    /// The agent's call site, when its name is written there as a literal: the tools it
    /// executes bind their metrics to that name.
    #[cfg_attr(not(feature = "bound-instruments"), allow(dead_code))]
    pub(crate) site: Option<&'static CallSite>,
    own_inference_calls: AtomicU64,
    own_tool_calls: AtomicU64,
    tokens: [AtomicU64; 5],
    counted: [AtomicU64; 5],
    cost_nanos: AtomicU64,
    priced: AtomicU64,
    inference_calls: AtomicU64,
    tool_calls: AtomicU64,
    parent: Option<Arc<RunNode>>,
}

/// The innermost run a context is inside: a value of the context.
#[derive(Clone, Debug)]
pub(crate) struct CurrentRun(pub(crate) Arc<RunNode>);

impl RunNode {
    pub(crate) fn new(
        agent: bool,
        name: Option<Value>,
        site: Option<&'static CallSite>,
        parent: Option<Arc<RunNode>>,
    ) -> Arc<RunNode> {
        Arc::new(RunNode {
            agent,
            name,
            site,
            own_inference_calls: AtomicU64::new(0),
            own_tool_calls: AtomicU64::new(0),
            tokens: Default::default(),
            counted: Default::default(),
            cost_nanos: AtomicU64::new(0),
            priced: AtomicU64::new(0),
            inference_calls: AtomicU64::new(0),
            tool_calls: AtomicU64::new(0),
            parent,
        })
    }

    fn chain(self: &Arc<Self>) -> impl Iterator<Item = &RunNode> {
        std::iter::successors(Some(self.as_ref()), |node| node.parent.as_deref())
    }

    /// The innermost agent run: the one that made a call inside this node.
    pub(crate) fn agent(self: &Arc<Self>) -> Option<&RunNode> {
        self.chain().find(|node| node.agent)
    }

    /// A model call made inside this run ended, having used `usage` and cost `cost`.
    pub(crate) fn add_inference(self: &Arc<Self>, usage: &Usage, cost: Option<f64>) {
        if let Some(agent) = self.agent() {
            agent.own_inference_calls.fetch_add(1, Ordering::Relaxed);
        }
        let nanos = cost.map(|usd| (usd * NANOS_PER_USD).round() as u64);
        for node in self.chain() {
            node.inference_calls.fetch_add(1, Ordering::Relaxed);
            for (index, tokens) in usage.0.iter().enumerate() {
                if let Some(tokens) = tokens {
                    node.tokens[index].fetch_add(*tokens, Ordering::Relaxed);
                    node.counted[index].fetch_add(1, Ordering::Relaxed);
                }
            }
            if let Some(nanos) = nanos {
                node.cost_nanos.fetch_add(nanos, Ordering::Relaxed);
                node.priced.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A tool call made inside this run ended.
    pub(crate) fn add_tool_call(self: &Arc<Self>) {
        if let Some(agent) = self.agent() {
            agent.own_tool_calls.fetch_add(1, Ordering::Relaxed);
        }
        for node in self.chain() {
            node.tool_calls.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The model and tool calls this agent made itself (not its sub-agents).
    pub(crate) fn own_calls(&self) -> (u64, u64) {
        (self.own_inference_calls.load(Ordering::Relaxed), self.own_tool_calls.load(Ordering::Relaxed))
    }

    /// The totals as `otel_genai.total.*` attributes: tokens of the types some call
    /// reported, cost when some call was priced, and the call counts.
    pub(crate) fn total_attributes(&self) -> Vec<KeyValue> {
        let mut list = Vec::with_capacity(8);
        for (index, name) in TOTAL_TOKENS.iter().enumerate() {
            if self.counted[index].load(Ordering::Relaxed) > 0 {
                list.push(KeyValue::new(*name, saturating_i64(self.tokens[index].load(Ordering::Relaxed))));
            }
        }
        if self.priced.load(Ordering::Relaxed) > 0 {
            list.push(KeyValue::new(total::COST, self.cost_nanos.load(Ordering::Relaxed) as f64 / NANOS_PER_USD));
        }
        list.push(KeyValue::new(total::INFERENCE_CALLS, saturating_i64(self.inference_calls.load(Ordering::Relaxed))));
        list.push(KeyValue::new(total::TOOL_CALLS, saturating_i64(self.tool_calls.load(Ordering::Relaxed))));
        list
    }
}

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_count_for_the_agent_that_made_them_and_sum_for_every_ancestor() {
        let workflow = RunNode::new(false, None, None, None);
        let outer = RunNode::new(true, None, None, Some(workflow.clone()));
        let inner = RunNode::new(true, None, None, Some(outer.clone()));
        let mut usage = Usage::default();
        usage.set(TokenCount::Input, 10);
        usage.set(TokenCount::Output, 3);
        outer.add_inference(&usage, Some(0.5));
        inner.add_inference(&usage, None);
        inner.add_tool_call();
        assert_eq!(outer.own_calls(), (1, 0));
        assert_eq!(inner.own_calls(), (1, 1));
        let totals = |node: &RunNode| {
            node.total_attributes().into_iter().map(|kv| format!("{}={}", kv.key, kv.value)).collect::<Vec<_>>()
        };
        assert_eq!(
            totals(&workflow),
            [
                "otel_genai.total.input_tokens=20",
                "otel_genai.total.output_tokens=6",
                "otel_genai.total.cost=0.5",
                "otel_genai.total.inference_calls=2",
                "otel_genai.total.tool_calls=1"
            ]
        );
        assert_eq!(
            totals(&inner),
            [
                "otel_genai.total.input_tokens=10",
                "otel_genai.total.output_tokens=3",
                "otel_genai.total.inference_calls=1",
                "otel_genai.total.tool_calls=1"
            ]
        );
    }
}
