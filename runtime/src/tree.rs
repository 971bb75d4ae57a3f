//! Finished spans arranged as the trees they form: for assertions in tests and for the
//! console output.

use std::fmt::{self, Write as _};
use std::time::{Duration, SystemTime};

use opentelemetry::Value;
use opentelemetry::trace::{SpanId, SpanKind, Status, TraceId};
use opentelemetry_sdk::trace::SpanData;

use crate::semconv::{attr, total};

/// Finished spans arranged by parent: each span's children in start order.
///
/// A span whose parent is not among the spans is a root, and so is the first span of a
/// cycle of parents (which would otherwise have none). Build one from any spans, or get
/// one from [`Capture::tree`](crate::testing::Capture::tree).
#[derive(Debug, Clone)]
pub struct SpanTree {
    spans: Vec<SpanData>,
    roots: Vec<usize>,
    children: Vec<Vec<usize>>,
}

impl SpanTree {
    /// Arranges `spans`.
    pub fn new(mut spans: Vec<SpanData>) -> SpanTree {
        spans.sort_by(|a, b| a.start_time.cmp(&b.start_time).then_with(|| a.name.cmp(&b.name)));
        let mut roots = Vec::new();
        let mut children = vec![Vec::new(); spans.len()];
        let by_id: std::collections::HashMap<(TraceId, SpanId), usize> = spans
            .iter()
            .enumerate()
            .map(|(index, span)| ((span.span_context.trace_id(), span.span_context.span_id()), index))
            .collect();
        for (index, span) in spans.iter().enumerate() {
            let parent = by_id.get(&(span.span_context.trace_id(), span.parent_span_id));
            match parent {
                Some(&parent) if span.parent_span_id != SpanId::INVALID && parent != index => {
                    children[parent].push(index)
                }
                _ => roots.push(index),
            }
        }
        // Spans whose parents form a cycle are reached from no root: the earliest of each
        // cycle becomes a root, so that every span is shown.
        let mut reached = vec![false; spans.len()];
        let mark = |from: usize, reached: &mut [bool], children: &[Vec<usize>]| {
            let mut stack = vec![from];
            while let Some(next) = stack.pop() {
                if !std::mem::replace(&mut reached[next], true) {
                    stack.extend(&children[next]);
                }
            }
        };
        for &root in &roots {
            mark(root, &mut reached, &children);
        }
        for index in 0..spans.len() {
            if !reached[index] {
                // Unreached, so it has a parent: the span that lists it as a child.
                if let Some(&parent) = by_id.get(&(spans[index].span_context.trace_id(), spans[index].parent_span_id)) {
                    children[parent].retain(|&kid| kid != index);
                }
                roots.push(index);
                mark(index, &mut reached, &children);
            }
        }
        roots.sort_unstable();
        SpanTree { spans, roots, children }
    }

    /// All spans, in start order.
    pub fn spans(&self) -> impl Iterator<Item = SpanNode<'_>> {
        (0..self.spans.len()).map(move |index| SpanNode { tree: self, index })
    }

    /// How many spans there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there is no span.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The spans without a parent among these spans, and the first span of each cycle of
    /// parents, in start order.
    pub fn roots(&self) -> Vec<SpanNode<'_>> {
        self.roots.iter().map(|&index| SpanNode { tree: self, index }).collect()
    }

    /// The only root. Panics, listing the roots, when there is not exactly one: a test
    /// helper.
    pub fn root(&self) -> SpanNode<'_> {
        match self.roots.as_slice() {
            [index] => SpanNode { tree: self, index: *index },
            _ => panic!("expected exactly one root span, found {}:\n{}", self.roots.len(), self),
        }
    }

    /// The first span, in start order, named `name`.
    pub fn find(&self, name: &str) -> Option<SpanNode<'_>> {
        self.spans().find(|span| span.name() == name)
    }

    /// Every span named `name`, in start order.
    pub fn find_all(&self, name: &str) -> Vec<SpanNode<'_>> {
        self.spans().filter(|span| span.name() == name).collect()
    }

    /// The names of the spans, indented two spaces a level, one a line: a compact shape
    /// to compare in tests.
    ///
    /// ```text
    /// invoke_agent research-agent
    ///   chat gpt-4o
    ///   execute_tool web_search
    /// ```
    pub fn outline(&self) -> String {
        let mut out = String::new();
        for root in self.roots() {
            root.write_outline(&mut out, 0);
        }
        out
    }
}

/// How many levels the tree and the outline show; below, spans are counted instead
/// (a trace can be a chain thousands of spans deep, and recursing that deep would overflow
/// the stack).
const DEEPEST: usize = 100;

/// One span of a [`SpanTree`].
#[derive(Clone, Copy)]
pub struct SpanNode<'a> {
    tree: &'a SpanTree,
    index: usize,
}

impl fmt::Debug for SpanNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.data(), f)
    }
}

impl<'a> SpanNode<'a> {
    /// The exported span.
    pub fn data(&self) -> &'a SpanData {
        &self.tree.spans[self.index]
    }

    /// The span name.
    pub fn name(&self) -> &'a str {
        &self.data().name
    }

    /// The span kind.
    pub fn kind(&self) -> SpanKind {
        self.data().span_kind.clone()
    }

    /// The span status.
    pub fn status(&self) -> &'a Status {
        &self.data().status
    }

    /// The trace the span belongs to.
    pub fn trace_id(&self) -> TraceId {
        self.data().span_context.trace_id()
    }

    /// The span's id.
    pub fn span_id(&self) -> SpanId {
        self.data().span_context.span_id()
    }

    /// How long the span lasted.
    pub fn duration(&self) -> Duration {
        let data = self.data();
        data.end_time.duration_since(data.start_time).unwrap_or_default()
    }

    /// The value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&'a Value> {
        self.data().attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value)
    }

    /// The value of string attribute `key`.
    pub fn str_attr(&self, key: &str) -> Option<&'a str> {
        match self.attr(key)? {
            Value::String(value) => Some(value.as_str()),
            _ => None,
        }
    }

    /// The value of integer attribute `key`.
    pub fn int_attr(&self, key: &str) -> Option<i64> {
        match self.attr(key)? {
            Value::I64(value) => Some(*value),
            _ => None,
        }
    }

    /// The names of the span's events, in order.
    pub fn event_names(&self) -> Vec<&'a str> {
        self.data().events.iter().map(|event| event.name.as_ref()).collect()
    }

    /// The value of attribute `key` of the first event named `event`.
    pub fn event_attr(&self, event: &str, key: &str) -> Option<&'a Value> {
        let event = self.data().events.iter().find(|e| e.name == event)?;
        event.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value)
    }

    /// The parent span, when it is in the tree.
    pub fn parent(&self) -> Option<SpanNode<'a>> {
        let tree = self.tree;
        tree.children.iter().position(|children| children.contains(&self.index)).map(|index| SpanNode { tree, index })
    }

    /// The children, in start order.
    pub fn children(&self) -> Vec<SpanNode<'a>> {
        let tree = self.tree;
        tree.children[self.index].iter().map(|&index| SpanNode { tree, index }).collect()
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<SpanNode<'a>> {
        self.children().into_iter().find(|child| child.name() == name)
    }

    fn write_outline(&self, out: &mut String, depth: usize) {
        let _ = writeln!(out, "{:indent$}{}", "", self.name(), indent = depth * 2);
        if depth >= DEEPEST && !self.children().is_empty() {
            let _ = writeln!(out, "{:indent$}… {} more spans below", "", self.descendants(), indent = (depth + 1) * 2);
            return;
        }
        for child in self.children() {
            child.write_outline(out, depth + 1);
        }
    }

    /// How many spans are below this one, counted without recursion.
    fn descendants(&self) -> usize {
        let mut below = 0;
        let mut stack = self.children();
        while let Some(node) = stack.pop() {
            below += 1;
            stack.extend(node.children());
        }
        below
    }

    /// The span's events other than the exception its error line already shows.
    fn shown_events(&self) -> impl Iterator<Item = &'a opentelemetry::trace::Event> {
        self.data().events.iter().filter(|event| event.name != "exception")
    }

    /// One line: name, duration, and what matters at a glance.
    fn write_line(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}  {}", self.name(), Elapsed(self.duration()))?;
        if let Some(provider) = self.str_attr(attr::GEN_AI_PROVIDER_NAME) {
            write!(f, "  {provider}")?;
        }
        if let Some(model) = self.str_attr(attr::GEN_AI_RESPONSE_MODEL) {
            write!(f, "  model={model}")?;
        }
        let input = self.int_attr(attr::GEN_AI_USAGE_INPUT_TOKENS);
        let output = self.int_attr(attr::GEN_AI_USAGE_OUTPUT_TOKENS);
        if input.is_some() || output.is_some() {
            let show = |n: Option<i64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
            write!(f, "  tokens={}in/{}out", show(input), show(output))?;
        }
        if let Some(Value::F64(usd)) = self.attr(attr::GEN_AI_USAGE_COST) {
            write!(f, "  ${usd:.6}")?;
        }
        // An agent or workflow: what ran inside it.
        let total_input = self.int_attr(total::INPUT_TOKENS);
        let total_output = self.int_attr(total::OUTPUT_TOKENS);
        if total_input.is_some() || total_output.is_some() {
            let show = |n: Option<i64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
            write!(f, "  total tokens={}in/{}out", show(total_input), show(total_output))?;
        }
        if let Some(Value::F64(usd)) = self.attr(total::COST) {
            write!(f, "  total ${usd:.6}")?;
        }
        if let Status::Error { description } = self.status() {
            let error_type = self.str_attr(attr::ERROR_TYPE).unwrap_or("error");
            write!(f, "  ERROR {error_type}: {description}")?;
        }
        Ok(())
    }

    /// Lines `details` gives for this span, under its line: aligned with its children, with
    /// the tree's bar when children follow.
    fn write_details(&self, f: &mut fmt::Formatter<'_>, prefix: &str, details: Details<'_>) -> fmt::Result {
        let Some(details) = details else { return Ok(()) };
        let bar = if self.children().is_empty() && self.shown_events().next().is_none() { " " } else { "│" };
        for line in details(*self) {
            writeln!(f, "{prefix}{bar}    {line}")?;
        }
        Ok(())
    }

    fn write_subtree(
        &self,
        f: &mut fmt::Formatter<'_>,
        prefix: &str,
        depth: usize,
        details: Details<'_>,
    ) -> fmt::Result {
        if depth >= DEEPEST && !self.children().is_empty() {
            return writeln!(f, "{prefix}└─ … {} more spans below, {DEEPEST} levels down", self.descendants());
        }
        // Children and events (other than the exception an error line already shows), in
        // the order they happened.
        let mut entries: Vec<(SystemTime, Entry<'a>)> =
            self.children().into_iter().map(|child| (child.data().start_time, Entry::Span(child))).collect();
        entries.extend(self.shown_events().map(|event| (event.timestamp, Entry::Event(event))));
        entries.sort_by_key(|(at, _)| *at);
        for (position, (_, entry)) in entries.iter().enumerate() {
            let last = position + 1 == entries.len();
            write!(f, "{prefix}{}", if last { "└─ " } else { "├─ " })?;
            let deeper = format!("{prefix}{}", if last { "   " } else { "│  " });
            match entry {
                Entry::Span(child) => {
                    child.write_line(f)?;
                    writeln!(f)?;
                    child.write_details(f, &deeper, details)?;
                    child.write_subtree(f, &deeper, depth + 1, details)?;
                }
                Entry::Event(event) => {
                    write!(f, "• {}", event.name)?;
                    for kv in &event.attributes {
                        write!(f, "  {}={}", kv.key, kv.value)?;
                    }
                    writeln!(f)?;
                }
            }
        }
        Ok(())
    }
}

/// Extra lines for a span, from [`SpanTree::display_with`].
type Details<'d> = Option<&'d dyn Fn(SpanNode<'_>) -> Vec<String>>;

enum Entry<'a> {
    Span(SpanNode<'a>),
    Event(&'a opentelemetry::trace::Event),
}

impl SpanTree {
    fn write(&self, f: &mut fmt::Formatter<'_>, details: Details<'_>) -> fmt::Result {
        for root in self.roots() {
            root.write_line(f)?;
            writeln!(f)?;
            root.write_details(f, "", details)?;
            root.write_subtree(f, "", 0, details)?;
        }
        Ok(())
    }

    /// The trees as [`Display`](fmt::Display) prints them, with the lines `details` gives
    /// for each span (its attributes, say) under the span's own line.
    ///
    /// ```
    /// # use otel_genai::SpanTree;
    /// # fn show(tree: &SpanTree) {
    /// let text = tree.display_with(|span| vec![format!("span id {}", span.span_id())]).to_string();
    /// # }
    /// ```
    pub fn display_with<'a>(&'a self, details: impl Fn(SpanNode<'_>) -> Vec<String> + 'a) -> impl fmt::Display + 'a {
        struct WithDetails<'a, F>(&'a SpanTree, F);
        impl<F: Fn(SpanNode<'_>) -> Vec<String>> fmt::Display for WithDetails<'_, F> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, Some(&self.1))
            }
        }
        WithDetails(self, details)
    }
}

/// The trees, one line a span: name, duration, provider, response model, token counts
/// and errors.
impl fmt::Display for SpanTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, None)
    }
}

/// A duration as span trees print it: `850µs`, `22.1ms`, `3.25s`, `2m05s`.
///
/// ```
/// use std::time::Duration;
/// use otel_genai::Elapsed;
///
/// assert_eq!(Elapsed(Duration::from_micros(22_149)).to_string(), "22.1ms");
/// assert_eq!(Elapsed(Duration::from_secs(125)).to_string(), "2m05s");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed(pub Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.as_micros();
        match micros {
            0..1_000 => write!(f, "{micros}µs"),
            1_000..1_000_000 => write!(f, "{:.1}ms", micros as f64 / 1_000.0),
            1_000_000..60_000_000 => write!(f, "{:.2}s", micros as f64 / 1_000_000.0),
            _ => write!(f, "{}m{:02}s", micros / 60_000_000, micros / 1_000_000 % 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::time::{Duration, UNIX_EPOCH};

    use opentelemetry::InstrumentationScope;
    use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState};
    use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};

    use super::SpanTree;

    fn span(id: u64, parent: u64) -> SpanData {
        let at = UNIX_EPOCH + Duration::from_millis(id);
        SpanData {
            span_context: SpanContext::new(
                TraceId::from(7_u128),
                SpanId::from(id),
                TraceFlags::SAMPLED,
                false,
                TraceState::default(),
            ),
            parent_span_id: SpanId::from(parent),
            parent_span_is_remote: false,
            span_kind: SpanKind::Internal,
            name: Cow::Owned(format!("step {id}")),
            start_time: at,
            end_time: at + Duration::from_millis(1),
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Unset,
            instrumentation_scope: InstrumentationScope::builder("test").build(),
        }
    }

    #[test]
    fn spans_whose_parents_form_a_cycle_are_shown_not_lost() {
        // 1 is a root; 2 and 3 are each other's parent; 4 is its own.
        let tree = SpanTree::new(vec![span(1, 0), span(2, 3), span(3, 2), span(4, 4)]);
        let roots: Vec<&str> = tree.roots().iter().map(|root| root.name()).collect();
        assert_eq!(roots, ["step 1", "step 2", "step 4"]);
        assert_eq!(tree.outline(), "step 1\nstep 2\n  step 3\nstep 4\n");
    }

    #[test]
    fn a_chain_thousands_deep_prints_without_recursing_all_the_way() {
        let chain: Vec<SpanData> = (1..=5000).map(|id| span(id, id - 1)).collect();
        let tree = SpanTree::new(chain);
        assert_eq!(tree.roots().len(), 1);
        let text = tree.to_string();
        let last = text.lines().last().unwrap();
        assert!(last.ends_with("└─ … 4899 more spans below, 100 levels down"), "{last}");
        assert_eq!(text.lines().count(), 102);
        let outline = tree.outline();
        assert_eq!(outline.lines().count(), 102);
        assert_eq!(outline.lines().last().unwrap().trim_start(), "… 4899 more spans below");
    }

    #[test]
    fn a_failed_leaf_has_no_bar_under_its_details() {
        let mut failed = span(2, 1);
        failed.status = Status::error("boom");
        failed.events.events.push(opentelemetry::trace::Event::new("exception", failed.start_time, Vec::new(), 0));
        let tree = SpanTree::new(vec![span(1, 0), failed]);
        let text =
            tree.display_with(|node| if node.name() == "step 2" { vec!["detail".to_owned()] } else { Vec::new() });
        let detail = text.to_string().lines().find(|line| line.contains("detail")).unwrap().to_owned();
        // The exception is on the error line, not an entry under it: nothing follows.
        assert_eq!(detail, format!("{:8}detail", ""));
    }
}
