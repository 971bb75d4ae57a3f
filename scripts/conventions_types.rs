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
        Err(_) => ATTRIBUTES
            .iter()
            .find(|def| def.template && name.len() > def.name.len() + 1 && name.starts_with(def.name) && name.as_bytes()[def.name.len()] == b'.'),
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
