//! Attribute names checked against the conventions table: existence (with a "did you
//! mean"), deprecation, phase, and whether a value's type can fit.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Expr, ExprLit, GenericArgument, Lit, PathArguments, Type};

use crate::conventions::{self, AttributeDef, Phase, ValueType};
use crate::ctxt::Errors;
use crate::suggest::closest;

/// Where a name is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A span macro's arguments: recorded when the span starts.
    SpanStart,
    /// A `#[derive(GenAiRequest)]` field: recorded when the span starts.
    Request,
    /// A `#[derive(GenAiResponse)]` field: recorded when the call returns.
    Response,
    /// A `reasoning!` event: any time.
    Event,
}

/// How a value is recorded: checked against the attribute's type, or (for names outside
/// the conventions) converted by `ToAttributeValue`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setter {
    Str,
    Int,
    Double,
    Bool,
    StrArray,
    Json,
    /// The message model's conversions, for the four message attributes.
    InputMessages,
    OutputMessages,
    SystemInstructions,
    ToolDefinitions,
    Untyped,
}

impl Setter {
    pub(crate) fn method(self) -> &'static str {
        match self {
            Setter::Str => "set_str",
            Setter::Int => "set_int",
            Setter::Double => "set_double",
            Setter::Bool => "set_bool",
            Setter::StrArray => "set_str_array",
            Setter::Json => "set_json",
            Setter::InputMessages => "set_input_messages",
            Setter::OutputMessages => "set_output_messages",
            Setter::SystemInstructions => "set_system_instructions",
            Setter::ToolDefinitions => "set_tool_definitions",
            Setter::Untyped => "set",
        }
    }
}

/// `&(value)` spanned at the value's first token, so that a value whose type does not
/// fit is reported at the user's expression or field, not at the macro.
pub(crate) fn value_ref(value: &impl ToTokens) -> TokenStream {
    let tokens = value.to_token_stream();
    let span = tokens.clone().into_iter().next().map_or_else(proc_macro2::Span::call_site, |tree| tree.span());
    quote::quote_spanned!(span=> &(#tokens))
}

/// A name that passed the checks.
pub(crate) struct CheckedKey {
    pub(crate) name: String,
    pub(crate) setter: Setter,
    /// Message content: recorded only when capture is on.
    pub(crate) content: bool,
    pub(crate) def: Option<&'static AttributeDef>,
}

/// Checks `name` written at `at` for use in `place`. Errors go to `errors`.
pub(crate) fn check_key(name: &str, at: &TokenStream, place: Place, errors: &mut Errors) -> Option<CheckedKey> {
    if let Some(deprecated) = conventions::deprecation(name) {
        let message = match deprecated.replacement {
            Some(replacement) => format!("`{name}` is deprecated: use `{replacement}` instead"),
            None if name == "gen_ai.prompt" || name == "gen_ai.completion" => format!(
                "`{name}` is deprecated and has no replacement; message content is recorded as `gen_ai.input.messages` and `gen_ai.output.messages` when content capture is on"
            ),
            None => format!("`{name}` is deprecated and has no replacement"),
        };
        errors.spanned(at, message);
        return None;
    }
    if !conventions::in_convention_namespace(name) {
        return Some(CheckedKey { name: name.to_owned(), setter: Setter::Untyped, content: false, def: None });
    }
    let Some(def) = conventions::attribute(name) else {
        errors.spanned(at, unknown_message(name));
        return None;
    };
    let misplaced = match (place, def.phase) {
        (Place::SpanStart, Phase::Response) => Some(format!(
            "`{name}` is known only when the call returns, so it cannot be a start attribute; return it from a type implementing `GenAiResponse`"
        )),
        (Place::Request, Phase::Response) => Some(format!(
            "`{name}` is known only from the response, so a request cannot record it; put it on a type deriving `GenAiResponse`"
        )),
        (Place::Response, Phase::Start) => Some(format!(
            "`{name}` is known when the call starts, so a response cannot record it; put it on a type deriving `GenAiRequest` or pass it as a macro argument"
        )),
        _ => None,
    };
    if let Some(message) = misplaced {
        errors.spanned(at, message);
        return None;
    }
    let setter = match def.ty {
        ValueType::String => Setter::Str,
        ValueType::Int => Setter::Int,
        ValueType::Double => Setter::Double,
        ValueType::Boolean => Setter::Bool,
        ValueType::StringArray => Setter::StrArray,
        ValueType::Any => match name {
            "gen_ai.input.messages" => Setter::InputMessages,
            "gen_ai.output.messages" => Setter::OutputMessages,
            "gen_ai.system_instructions" => Setter::SystemInstructions,
            "gen_ai.tool.definitions" => Setter::ToolDefinitions,
            _ => Setter::Json,
        },
        ValueType::IntArray | ValueType::DoubleArray | ValueType::BooleanArray => Setter::Untyped,
    };
    Some(CheckedKey { name: name.to_owned(), setter, content: def.content, def: Some(def) })
}

fn unknown_message(name: &str) -> String {
    let names = conventions::ATTRIBUTES.iter().map(|def| def.name);
    let renamed = conventions::DEPRECATED.iter().map(|def| def.name);
    match closest(name, names.chain(renamed)) {
        Some(suggestion) => format!("unknown attribute `{name}`; did you mean `{suggestion}`?"),
        None => {
            let namespace =
                conventions::NAMESPACES.iter().find(|ns| name.starts_with(**ns)).copied().unwrap_or("gen_ai.");
            format!(
                "unknown attribute `{name}`: the OpenTelemetry GenAI conventions define no such name, and names under `{namespace}` are theirs; use a namespace of your own for your attributes, such as `app.{}`",
                name.strip_prefix(namespace).unwrap_or(name)
            )
        }
    }
}

/// What a Rust type or literal evidently is, when that can be told from its syntax.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Str,
    Int,
    Float,
    Bool,
    StrList,
    OtherList,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::Str => "a string",
            Shape::Int => "an integer",
            Shape::Float => "a float",
            Shape::Bool => "a boolean",
            Shape::StrList => "a list of strings",
            Shape::OtherList => "a list",
        }
    }

    fn fits(self, ty: ValueType) -> bool {
        match ty {
            ValueType::String => self == Shape::Str,
            ValueType::Int => self == Shape::Int,
            ValueType::Double => matches!(self, Shape::Float | Shape::Int),
            ValueType::Boolean => self == Shape::Bool,
            ValueType::StringArray => self == Shape::StrList,
            ValueType::Any => true,
            ValueType::IntArray | ValueType::DoubleArray | ValueType::BooleanArray => {
                matches!(self, Shape::OtherList)
            }
        }
    }
}

fn type_expectation(ty: ValueType) -> &'static str {
    match ty {
        ValueType::String => "a string attribute (`&str`, `String`, ...)",
        ValueType::Int => "an integer attribute (`u32`, `i64`, ...)",
        ValueType::Double => "a double attribute (`f64`, `f32`)",
        ValueType::Boolean => "a boolean attribute",
        ValueType::StringArray => "a string-array attribute (`Vec<String>`, `&[&str]`, ...)",
        ValueType::IntArray => "an integer-array attribute",
        ValueType::DoubleArray => "a double-array attribute",
        ValueType::BooleanArray => "a boolean-array attribute",
        ValueType::Any => "a structured attribute",
    }
}

/// Checks a literal value against the attribute: its type and, for enums, a likely typo.
pub(crate) fn check_literal(key: &CheckedKey, value: &Expr, errors: &mut Errors) {
    let Some(def) = key.def else { return };
    let Some(lit) = literal(value) else { return };
    let shape = match lit {
        Lit::Str(_) => Shape::Str,
        Lit::Int(_) => Shape::Int,
        Lit::Float(_) => Shape::Float,
        Lit::Bool(_) => Shape::Bool,
        _ => return,
    };
    if !shape.fits(def.ty) {
        errors.spanned(
            lit,
            format_args!("`{}` is {}, but this value is {}", def.name, type_expectation(def.ty), shape.describe()),
        );
        return;
    }
    if let Lit::Str(text) = lit {
        check_enum_value(def, &text.value(), lit, errors);
    }
}

/// A misspelt well-known value is an error; other values are allowed (the conventions'
/// enums are open), and `custom_value("...")` keeps even a near miss.
pub(crate) fn check_enum_value(def: &AttributeDef, value: &str, at: impl ToTokens, errors: &mut Errors) {
    if def.members.is_empty() || def.members.contains(&value) {
        return;
    }
    if let Some(suggestion) = closest(value, def.members.iter().copied()) {
        errors.spanned(
            at,
            format_args!(
                "`{value}` is not a known value of `{}`; did you mean `{suggestion}`? (to record `{value}` as written, use `otel_genai::custom_value(\"{value}\")`)",
                def.name
            ),
        );
    }
}

fn literal(expr: &Expr) -> Option<&Lit> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        Expr::Group(group) => literal(&group.expr),
        Expr::Paren(paren) => literal(&paren.expr),
        Expr::Reference(reference) => literal(&reference.expr),
        _ => None,
    }
}

/// Checks a field's declared type against the attribute, where the type's syntax tells.
pub(crate) fn check_field_type(key: &CheckedKey, field: &str, ty: &Type, errors: &mut Errors) {
    let Some(def) = key.def else { return };
    let Some(shape) = shape_of(ty) else { return };
    if !shape.fits(def.ty) {
        errors.spanned(
            ty,
            format_args!("`{}` is {}, but field `{field}` is {}", def.name, type_expectation(def.ty), shape.describe()),
        );
    }
}

fn shape_of(ty: &Type) -> Option<Shape> {
    match ty {
        Type::Reference(reference) => shape_of(&reference.elem),
        Type::Group(group) => shape_of(&group.elem),
        Type::Paren(paren) => shape_of(&paren.elem),
        Type::Slice(slice) => Some(list_of(&slice.elem)),
        Type::Array(array) => Some(list_of(&array.elem)),
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            let inner = || match &last.arguments {
                PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
                    GenericArgument::Type(ty) => Some(ty),
                    _ => None,
                }),
                _ => None,
            };
            match name.as_str() {
                "String" | "str" | "Cow" => Some(Shape::Str),
                "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" => Some(Shape::Int),
                "f32" | "f64" => Some(Shape::Float),
                "bool" => Some(Shape::Bool),
                "Option" | "Box" | "Arc" | "Rc" => shape_of(inner()?),
                "Vec" => Some(list_of(inner()?)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn list_of(element: &Type) -> Shape {
    if shape_of(element) == Some(Shape::Str) { Shape::StrList } else { Shape::OtherList }
}
