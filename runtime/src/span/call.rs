//! What a call measures besides its span: its duration and token usage as metrics, its
//! cost, and its share of the totals of the agent or workflow run it is part of.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

#[cfg(feature = "bound-instruments")]
use opentelemetry::metrics::BoundHistogram;
use opentelemetry::{Key, KeyValue, Value};

use crate::TokenCount;
use crate::conventions::{self, metric_names};
use crate::semconv::{Operation, attr};
use crate::signals::metrics::Instruments;
#[cfg(feature = "bound-instruments")]
use crate::signals::metrics::ProviderKey;
use crate::signals::pricing::{self, Price};
use crate::signals::totals::{RunNode, Usage};
use crate::span::attributes::Attributes;

/// The metric attributes, usage and outcome of one call, kept from its start to its end.
///
/// Small enough to live in the span guard: what only a model call needs (usage, cost,
/// the details event) is in [`ModelCall`], boxed, so that tools and agents allocate
/// nothing for it.
#[derive(Debug)]
pub(crate) struct Call {
    operation: Operation,
    instruments: Option<Arc<Instruments>>,
    pub(crate) start: Instant,
    /// The call site whose metric attributes are this call's, while the call has added
    /// none of its own (then they are in `attrs`).
    site: Option<&'static CallSite>,
    /// The low-cardinality attributes its metrics carry, when not the call site's (kept
    /// only when metrics are on). For a model call the ones its cost metric carries come
    /// first (`cost_len` of them).
    attrs: Vec<KeyValue>,
    cost_len: usize,
    error_type: Option<Cow<'static, str>>,
    /// A model call's usage, cost and details.
    model: Option<Box<ModelCall>>,
}

/// A call site whose metric attributes are all written as literals in the macro (no
/// request, no other metric attribute at the start): they are the same on every call, so
/// they are built once, and a call copies them only to add one of its own (its agent's
/// name, its `error.type`).
///
/// Its metrics are recorded through instruments bound to those attributes, which skips the
/// SDK's lookup of the attribute set on every call: one binding per meter provider and
/// enclosing agent, for the first four such pairs (later ones record unbound).
#[derive(Debug)]
pub struct CallSite {
    operation: Operation,
    literals: &'static [(&'static str, &'static str)],
    metric_attributes: OnceLock<Box<[KeyValue]>>,
    #[cfg(feature = "bound-instruments")]
    bound: [OnceLock<Bound>; BOUND_SLOTS],
}

/// How many pairs of a meter provider and an enclosing agent a call site keeps bound
/// histograms for. A binding made while its histogram is at the SDK's cardinality limit
/// records into the overflow point for as long as the binding is kept, as the SDK's bound
/// instruments do.
#[cfg(feature = "bound-instruments")]
const BOUND_SLOTS: usize = 4;

/// A call site's histograms bound to its metric attributes, for one provider's instruments
/// and, for a tool, the agent that executes it (whose name its metrics carry).
#[cfg(feature = "bound-instruments")]
#[derive(Debug)]
struct Bound {
    provider: ProviderKey,
    /// The address of the enclosing agent's call site; 0 for none.
    agent: usize,
    duration: BoundHistogram<f64>,
    /// An agent's counts of the model and tool calls it made itself.
    calls: Option<(BoundHistogram<u64>, BoundHistogram<u64>)>,
}

#[cfg(feature = "bound-instruments")]
impl Bound {
    fn new(site: &'static CallSite, instruments: &Instruments, agent: Option<(&'static CallSite, &Value)>) -> Bound {
        let mut attrs = site.metric_attributes().to_vec();
        if let Some((_, name)) = agent {
            attrs.push(KeyValue::new(attr::GEN_AI_AGENT_NAME, name.clone()));
        }
        // In the order the SDK keeps attribute sets in, so that its points list them alike.
        attrs.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
        let (duration, calls) = match site.operation {
            Operation::InvokeAgent => {
                let name: Vec<KeyValue> =
                    attrs.iter().filter(|kv| kv.key.as_str() == attr::GEN_AI_AGENT_NAME).cloned().collect();
                let calls = (instruments.inference_calls.bind(&name), instruments.tool_calls.bind(&name));
                (instruments.agent_duration.bind(&attrs), Some(calls))
            }
            Operation::InvokeWorkflow => (instruments.workflow_duration.bind(&attrs), None),
            // `Call::bound` binds only tools, agents and workflows.
            _ => (instruments.tool_duration.bind(&attrs), None),
        };
        Bound {
            provider: instruments.provider,
            agent: agent.map_or(0, |(site, _)| site_address(site)),
            duration,
            calls,
        }
    }
}

#[cfg(feature = "bound-instruments")]
fn site_address(site: &'static CallSite) -> usize {
    std::ptr::from_ref(site) as usize
}

impl CallSite {
    /// A call site of `operation` whose literal attributes are `literals`.
    pub const fn new(operation: Operation, literals: &'static [(&'static str, &'static str)]) -> CallSite {
        CallSite {
            operation,
            literals,
            metric_attributes: OnceLock::new(),
            #[cfg(feature = "bound-instruments")]
            bound: [const { OnceLock::new() }; BOUND_SLOTS],
        }
    }

    /// The histograms bound for `instruments` and the enclosing `agent` (its call site and
    /// name), bound on first use; `None` when every slot holds another pair.
    #[cfg(feature = "bound-instruments")]
    fn bound(
        &'static self,
        instruments: &Instruments,
        agent: Option<(&'static CallSite, &Value)>,
    ) -> Option<&'static Bound> {
        let agent_address = agent.map_or(0, |(site, _)| site_address(site));
        self.bound
            .iter()
            .map(|slot| slot.get_or_init(|| Bound::new(self, instruments, agent)))
            .find(|bound| bound.provider == instruments.provider && bound.agent == agent_address)
    }

    /// The metric attributes of every call from here: the operation name and the literals
    /// the duration metric carries.
    fn metric_attributes(&'static self) -> &'static [KeyValue] {
        self.metric_attributes.get_or_init(|| {
            let wanted = &metric_attributes(self.operation).names;
            std::iter::once((attr::GEN_AI_OPERATION_NAME, self.operation.name()))
                .chain(self.literals.iter().copied())
                .filter(|(key, _)| wanted.contains(key))
                .map(|(key, value)| KeyValue::new(Key::from_static_str(key), Value::from(value)))
                .collect()
        })
    }
}

/// What a finished call leaves for its span: the cost not yet on it (USD), and the details
/// event's attributes.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) cost: Option<f64>,
    pub(crate) details: Option<Vec<KeyValue>>,
}

/// What a model call keeps besides its metric attributes.
#[derive(Debug, Default)]
struct ModelCall {
    /// Provider of the call, to price it.
    provider: Option<Value>,
    /// The price of the request model, to use when the response names no model.
    request_price: Option<Price>,
    /// The request model, kept only when it has no price (to say so).
    unpriced_request_model: Option<Value>,
    usage: Usage,
    cost: Option<f64>,
    /// The cost went on the span with the response's attributes.
    cost_reported: bool,
    /// The response model, kept only for metrics.
    response_model: Option<Value>,
    /// The attributes of the `gen_ai.client.inference.operation.details` event, content
    /// included, in the `EVENT_*` capture modes.
    details: Option<Vec<KeyValue>>,
}

/// The attribute names the duration metric of a call of `operation` carries, from the
/// conventions table (looked up once).
struct MetricNames {
    names: Vec<&'static str>,
    /// A bit set for each of their lengths (mod 64).
    lengths: u64,
    /// Bit `i` set when `names[i]` is also an attribute of the cost metric.
    cost: u64,
}

fn metric_attributes(operation: Operation) -> &'static MetricNames {
    static NAMES: OnceLock<[MetricNames; 4]> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let of = |name: &str| {
            let names: Vec<&'static str> =
                conventions::metric(name).map_or_else(Vec::new, |def| def.attributes.iter().map(|a| a.name).collect());
            let lengths = names.iter().fold(0_u64, |bits, name| bits | 1 << (name.len() % 64));
            let cost = names
                .iter()
                .enumerate()
                .filter(|(_, name)| cost_attributes().contains(name))
                .fold(0_u64, |bits, (index, _)| bits | 1 << (index % 64));
            MetricNames { names, lengths, cost }
        };
        [
            of(metric_names::GEN_AI_CLIENT_OPERATION_DURATION),
            of(metric_names::GEN_AI_INVOKE_AGENT_DURATION),
            of(metric_names::GEN_AI_EXECUTE_TOOL_DURATION),
            of(metric_names::GEN_AI_WORKFLOW_DURATION),
        ]
    });
    match operation {
        Operation::InvokeAgent => &names[1],
        Operation::ExecuteTool => &names[2],
        Operation::InvokeWorkflow => &names[3],
        _ => &names[0],
    }
}

/// Whether the cost metric carries the response model.
fn response_model_costs() -> bool {
    static COSTS: OnceLock<bool> = OnceLock::new();
    *COSTS.get_or_init(|| cost_attributes().contains(&attr::GEN_AI_RESPONSE_MODEL))
}

/// The attribute names of the cost metric.
fn cost_attributes() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        conventions::metric(metric_names::GEN_AI_USAGE_COST)
            .map_or_else(Vec::new, |def| def.attributes.iter().map(|a| a.name).collect())
    })
}

/// Whether `operation` is a call to a model: it has usage and cost, and counts as an
/// inference call of the agent that made it.
pub(crate) fn is_model_call(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::Chat | Operation::TextCompletion | Operation::GenerateContent | Operation::Embeddings
    )
}

impl Call {
    /// Keeps, of the start attributes, those the call's metrics carry (when metrics are
    /// on), and the provider and request model of a model call (to price it).
    #[inline]
    pub(crate) fn new(
        operation: Operation,
        instruments: Option<Arc<Instruments>>,
        start: &Attributes,
        site: Option<&'static CallSite>,
    ) -> Call {
        let model_call = is_model_call(operation);
        // A model call's cost metric carries some of the same attributes: they go first, and
        // it records the front of the list.
        let mut cost_len = 0;
        // A model call's metric attributes change with its response: never a call site's.
        let site = site.filter(|_| instruments.is_some() && !model_call);
        let attrs = match (&instruments, site) {
            (None, _) | (_, Some(_)) => Vec::new(),
            (Some(_), None) => {
                let wanted = metric_attributes(operation);
                let mut attrs = Vec::with_capacity(wanted.names.len() + 2);
                for kv in start.iter() {
                    let key = kv.key.as_str();
                    // Most start attributes are not metric attributes: their length says so.
                    if wanted.lengths & (1 << (key.len() % 64)) == 0 {
                        continue;
                    }
                    let Some(index) = wanted.names.iter().position(|name| *name == key) else { continue };
                    if model_call && wanted.cost & (1 << (index % 64)) != 0 {
                        attrs.insert(cost_len, kv.clone());
                        cost_len += 1;
                    } else {
                        attrs.push(kv.clone());
                    }
                }
                attrs
            }
        };
        let model = model_call.then(|| Box::new(ModelCall::new(start)));
        Call { operation, instruments, start: Instant::now(), site, attrs, cost_len, error_type: None, model }
    }

    /// The attributes the call's metrics carry.
    fn metric_attrs(&self) -> &[KeyValue] {
        match self.site {
            Some(site) => site.metric_attributes(),
            None => &self.attrs,
        }
    }

    /// The metric attributes, to add to: a call site's are copied first, with room for
    /// what a call adds (its agent, its `error.type`).
    fn metric_attrs_mut(&mut self) -> &mut Vec<KeyValue> {
        if let Some(site) = self.site.take() {
            let site = site.metric_attributes();
            self.attrs.reserve_exact(site.len() + 2);
            self.attrs.extend_from_slice(site);
        }
        &mut self.attrs
    }

    /// Records `record` with the metric attributes, `error.type` added when the call failed.
    fn record_with_error(&mut self, error_type: Option<Cow<'static, str>>, record: impl FnOnce(&[KeyValue])) {
        match error_type {
            Some(error_type) => {
                let attrs = self.metric_attrs_mut();
                attrs.push(KeyValue::new(Key::from_static_str(attr::ERROR_TYPE), Value::from(error_type)));
                record(attrs);
                attrs.pop();
            }
            None => record(self.metric_attrs()),
        }
    }

    /// Keeps `start` for the details event.
    pub(crate) fn keep_details(&mut self, start: &Attributes) {
        if let Some(model) = &mut self.model {
            model.details = Some(start.iter().cloned().collect());
        }
    }

    /// Whether a details event is kept (a model call in an `EVENT_*` mode, events wanted).
    pub(crate) fn keeps_details(&self) -> bool {
        self.model.as_ref().is_some_and(|model| model.details.is_some())
    }

    /// Adds attributes to the details event, if one is kept.
    pub(crate) fn add_details<'a>(&mut self, attributes: impl IntoIterator<Item = &'a KeyValue>) {
        if let Some(details) = self.model.as_mut().and_then(|model| model.details.as_mut()) {
            details.extend(attributes.into_iter().cloned());
        }
    }

    /// The cost as the span's attribute, once: to go with the response's attributes.
    pub(crate) fn report_cost(&mut self) -> Option<KeyValue> {
        let model = self.model.as_mut()?;
        let cost = model.cost.filter(|_| !model.cost_reported)?;
        model.cost_reported = true;
        Some(KeyValue::new(attr::GEN_AI_USAGE_COST, cost))
    }

    /// Whether metrics are recorded.
    pub(crate) fn measures(&self) -> bool {
        self.instruments.is_some()
    }

    /// Takes usage and the response model from a response's attributes, and prices them.
    pub(crate) fn observe_response(&mut self, response: &Attributes) {
        let Some(model) = &mut self.model else { return };
        let mut response_model = None;
        for kv in response.iter() {
            let key = kv.key.as_str();
            if key == attr::GEN_AI_RESPONSE_MODEL {
                response_model = Some(&kv.value);
                continue;
            }
            let Some(count) = TokenCount::ALL.into_iter().find(|count| count.attribute() == key) else { continue };
            if let Value::I64(tokens) = kv.value {
                model.usage.set(count, u64::try_from(tokens).unwrap_or(0));
            }
        }
        model.price(text(response_model));
        if self.instruments.is_some() {
            model.response_model = response_model.cloned();
        }
    }

    /// Takes usage and the response model a stream's chunks reported, and prices them.
    pub(crate) fn observe_stream(&mut self, usage: Usage, response_model: Option<&str>) {
        let Some(model) = &mut self.model else { return };
        for (index, tokens) in usage.0.into_iter().enumerate() {
            if tokens.is_some() {
                model.usage.0[index] = tokens;
            }
        }
        model.price(response_model);
        if self.instruments.is_some() {
            model.response_model = response_model.map(|model| Value::from(model.to_owned()));
        }
    }

    pub(crate) fn observe_error(&mut self, error_type: Cow<'static, str>) {
        self.error_type = Some(error_type);
    }

    /// Records the time to a stream's first chunk.
    pub(crate) fn first_chunk(&self, seconds: f64) {
        if let Some(instruments) = &self.instruments {
            instruments.time_to_first_chunk.record(seconds, self.metric_attrs());
        }
    }

    /// Records the time from a stream's previous chunk to this one.
    pub(crate) fn next_chunk(&self, seconds: f64) {
        if let Some(instruments) = &self.instruments {
            instruments.time_per_output_chunk.record(seconds, self.metric_attrs());
        }
    }

    /// The call ended: its counts go into its run, its metrics to the meter; its cost, if
    /// not on the span yet, and the details event's attributes, if kept, are returned.
    /// `run` is the enclosing run, or the call's own for an agent or workflow.
    #[inline]
    pub(crate) fn finish(&mut self, run: Option<&Arc<RunNode>>) -> Outcome {
        let mut model = self.model.take();
        let (cost, details) = match model.as_deref_mut() {
            Some(model) => {
                let cost = model.cost;
                let details = model.details.take().map(|mut details| {
                    if let Some(error_type) = &self.error_type {
                        details.push(KeyValue::new(attr::ERROR_TYPE, Value::from(error_type.clone())));
                    }
                    details.extend(cost.map(|usd| KeyValue::new(attr::GEN_AI_USAGE_COST, usd)));
                    details
                });
                if let Some(run) = run {
                    run.add_inference(&model.usage, cost);
                }
                (cost, details)
            }
            None => (None, None),
        };
        if let Some(instruments) = self.instruments.take() {
            self.record_metrics(&instruments, run, model.as_deref_mut());
        }
        Outcome { cost: cost.filter(|_| !model.is_some_and(|model| model.cost_reported)), details }
    }

    fn record_metrics(&mut self, instruments: &Instruments, run: Option<&Arc<RunNode>>, model: Option<&mut ModelCall>) {
        let seconds = self.start.elapsed().as_secs_f64();
        let error_type = self.error_type.take();
        #[cfg(feature = "bound-instruments")]
        if error_type.is_none()
            && let Some(bound) = self.bound(instruments, run)
        {
            bound.duration.record(seconds);
            if let (Some((inference, tools)), Some(run)) = (&bound.calls, run) {
                let (inference_calls, tool_calls) = run.own_calls();
                inference.record(inference_calls);
                tools.record(tool_calls);
            }
            return;
        }
        match self.operation {
            Operation::InvokeAgent => {
                self.record_with_error(error_type, |attrs| instruments.agent_duration.record(seconds, attrs));
                if let Some(run) = run {
                    let (inference, tools) = run.own_calls();
                    let name = self.metric_attrs().iter().find(|kv| kv.key.as_str() == attr::GEN_AI_AGENT_NAME);
                    let name = name.map(std::slice::from_ref).unwrap_or_default();
                    instruments.inference_calls.record(inference, name);
                    instruments.tool_calls.record(tools, name);
                }
            }
            Operation::InvokeWorkflow => {
                self.record_with_error(error_type, |attrs| instruments.workflow_duration.record(seconds, attrs));
            }
            Operation::ExecuteTool => {
                if let Some(name) = run.and_then(|run| run.agent()).and_then(|agent| agent.name.clone()) {
                    self.metric_attrs_mut().push(KeyValue::new(attr::GEN_AI_AGENT_NAME, name));
                }
                self.record_with_error(error_type, |attrs| instruments.tool_duration.record(seconds, attrs));
            }
            _ => {
                let Some(model) = model else {
                    self.record_with_error(error_type, |attrs| instruments.client_duration.record(seconds, attrs));
                    return;
                };
                if let Some(response_model) = model.response_model.take() {
                    let kv = KeyValue::new(attr::GEN_AI_RESPONSE_MODEL, response_model);
                    let cost_len = self.cost_len;
                    if response_model_costs() {
                        // Among the cost metric's attributes, at the front.
                        self.metric_attrs_mut().insert(cost_len, kv);
                        self.cost_len += 1;
                    } else {
                        self.metric_attrs_mut().push(kv);
                    }
                }
                self.record_with_error(error_type, |attrs| instruments.client_duration.record(seconds, attrs));
                self.record_tokens(instruments, &model.usage);
                if let Some(usd) = model.cost {
                    instruments.cost.record(usd, &self.metric_attrs()[..self.cost_len]);
                }
            }
        }
    }

    /// The call site's histograms bound to this call's metric attributes: those of a call
    /// that did not fail, whose attributes are its call site's, and, for a tool, whose
    /// agent has no name or a name written at its call site.
    #[cfg(feature = "bound-instruments")]
    fn bound(&self, instruments: &Instruments, run: Option<&Arc<RunNode>>) -> Option<&'static Bound> {
        let site = self.site?;
        let agent = match self.operation {
            Operation::ExecuteTool => match run.and_then(|run| run.agent()) {
                Some(RunNode { name: Some(name), site, .. }) => Some(((*site)?, name)),
                _ => None,
            },
            Operation::InvokeAgent | Operation::InvokeWorkflow => None,
            // A retrieval (and any other client operation) records the client duration,
            // unbound.
            _ => return None,
        };
        site.bound(instruments, agent)
    }

    /// `gen_ai.client.token.usage` for input and output, by `gen_ai.token.type`.
    fn record_tokens(&mut self, instruments: &Instruments, usage: &Usage) {
        let input = usage.get(TokenCount::Input);
        let output = usage.get(TokenCount::Output);
        if input.is_none() && output.is_none() {
            return;
        }
        let attrs = self.metric_attrs_mut();
        attrs.push(KeyValue::new(attr::GEN_AI_TOKEN_TYPE, "input"));
        for (tokens, token_type) in [(input, "input"), (output, "output")] {
            if let (Some(tokens), Some(last)) = (tokens, attrs.last_mut()) {
                last.value = Value::from(token_type);
                instruments.token_usage.record(tokens, attrs);
            }
        }
        attrs.pop();
    }
}

impl ModelCall {
    /// The provider and request model of a model call, to price it.
    fn new(start: &Attributes) -> ModelCall {
        let provider = start.get(attr::GEN_AI_PROVIDER_NAME).cloned();
        let request_model = provider.as_ref().and(start.get(attr::GEN_AI_REQUEST_MODEL));
        let request_price = match (text(provider.as_ref()), text(request_model)) {
            (Some(provider), Some(model)) => pricing::price(provider, model),
            _ => None,
        };
        ModelCall {
            unpriced_request_model: request_price.is_none().then(|| request_model.cloned()).flatten(),
            provider,
            request_price,
            ..ModelCall::default()
        }
    }

    /// Prices the usage by the response model, else the request model.
    fn price(&mut self, response_model: Option<&str>) {
        if self.usage.is_empty() {
            return;
        }
        let Some(provider) = text(self.provider.as_ref()) else { return };
        let price = response_model.and_then(|model| pricing::price(provider, model)).or(self.request_price);
        match price {
            Some(price) => self.cost = price.cost(&self.usage),
            None => {
                if let Some(model) = response_model.or(text(self.unpriced_request_model.as_ref())) {
                    pricing::tell_unpriced(provider, model);
                }
            }
        }
    }
}

fn text(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::String(text)) => Some(text.as_str()),
        _ => None,
    }
}

#[cfg(all(test, feature = "bound-instruments"))]
mod tests {
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::SdkMeterProvider;

    use super::*;

    #[test]
    fn a_call_site_binds_once_per_provider_and_agent_and_only_so_many_times() {
        static TOOL: CallSite =
            CallSite::new(Operation::ExecuteTool, &[("gen_ai.tool.name", "t"), ("gen_ai.tool.type", "function")]);
        static AGENT: CallSite = CallSite::new(Operation::InvokeAgent, &[("gen_ai.agent.name", "a")]);
        let providers: Vec<SdkMeterProvider> = (0..BOUND_SLOTS).map(|_| SdkMeterProvider::builder().build()).collect();
        let instruments: Vec<Instruments> =
            providers.iter().map(|provider| Instruments::new(&provider.meter("test"))).collect();
        let name = Value::from("a");
        let first = TOOL.bound(&instruments[0], None).expect("a free slot");
        assert!(std::ptr::eq(first, TOOL.bound(&instruments[0], None).expect("bound")), "bound again");
        let under_agent = TOOL.bound(&instruments[0], Some((&AGENT, &name))).expect("a free slot");
        assert!(!std::ptr::eq(first, under_agent));
        assert_eq!(under_agent.agent, site_address(&AGENT));
        // Two slots taken: two more providers fill the others, the next finds none.
        assert!(TOOL.bound(&instruments[1], None).is_some());
        assert!(TOOL.bound(&instruments[2], None).is_some());
        assert!(TOOL.bound(&instruments[3], None).is_none());
        assert!(std::ptr::eq(first, TOOL.bound(&instruments[0], None).expect("still bound")));
        for provider in providers {
            let _ = provider.shutdown();
        }
    }
}
