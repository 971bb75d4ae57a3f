//! The signals besides spans: metrics recorded by every span macro, the cost of token
//! usage, and the totals of agent and workflow runs.

pub(crate) mod evaluation;
pub(crate) mod events;
pub(crate) mod metrics;
pub(crate) mod pricing;
pub(crate) mod totals;
