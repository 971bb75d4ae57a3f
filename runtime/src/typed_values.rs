//! Values checked against an attribute's type: what the macros record for a name the
//! conventions define, so that a value of the wrong type fails to compile at the user's
//! field or expression.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use opentelemetry::{Array, Key, StringValue, Value};

use crate::Attributes;
use crate::content::ContentKind;
use crate::content::messages::{InputMessages, OutputMessages, SystemInstructions, ToJson, ToolDefinitions};
use crate::content::{captured_items, captured_json};

/// A value of a string attribute: `&str`, `String`, `Cow<str>`, `Arc<str>`, `Box<str>`,
/// an `Option` of one (`None` records nothing), or your own enum.
///
/// ```
/// use std::borrow::Cow;
/// use otel_genai::StrAttribute;
///
/// enum Effort { Low, High }
///
/// impl StrAttribute for Effort {
///     fn str_value(&self) -> Option<Cow<'static, str>> {
///         Some(match self { Effort::Low => "low", Effort::High => "high" }.into())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a string attribute",
    label = "recorded as a string attribute here",
    note = "string attributes take `&str`, `String`, `Cow<str>`, `Arc<str>` or an `Option` of one; implement `otel_genai::StrAttribute` for your own types"
)]
pub trait StrAttribute {
    /// The string, or `None` to record nothing.
    fn str_value(&self) -> Option<Cow<'static, str>>;
}

/// A value of an integer attribute: any integer type (`u64` above `i64::MAX` saturates),
/// or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of an integer attribute",
    label = "recorded as an integer attribute here",
    note = "integer attributes take any integer type (`u32`, `usize`, `i64`, ...) or an `Option` of one; floats are not rounded silently"
)]
pub trait IntAttribute {
    /// The integer, or `None` to record nothing.
    fn int_value(&self) -> Option<i64>;
}

/// A value of a floating-point attribute: `f64`, `f32`, an integer, or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a double attribute",
    label = "recorded as a double attribute here",
    note = "double attributes take `f64`, `f32`, an integer, or an `Option` of one"
)]
pub trait DoubleAttribute {
    /// The number, or `None` to record nothing.
    fn double_value(&self) -> Option<f64>;
}

/// A value of a boolean attribute: `bool` or `Option<bool>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a boolean attribute",
    label = "recorded as a boolean attribute here",
    note = "boolean attributes take `bool` or `Option<bool>`"
)]
pub trait BoolAttribute {
    /// The flag, or `None` to record nothing.
    fn bool_value(&self) -> Option<bool>;
}

/// A value of a string-array attribute: a slice, array or `Vec` of string values, or an
/// `Option` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a string-array attribute",
    label = "recorded as a string-array attribute here",
    note = "string-array attributes take `Vec<String>`, `&[&str]`, `[&str; N]` (any string element type) or an `Option` of one"
)]
pub trait StrArrayAttribute {
    /// The strings, or `None` to record nothing.
    fn str_array_value(&self) -> Option<Vec<StringValue>>;
}

/// A value of a structured attribute (`gen_ai.input.messages`, `gen_ai.tool.definitions`,
/// ...), recorded as JSON text: a string holding JSON already, a `serde_json::Value`, or a
/// slice, array or `Vec` of anything `serde::Serialize`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a structured attribute",
    label = "recorded as JSON here",
    note = "structured attributes take JSON text (`String`, `&str`), a `serde_json::Value`, or a `Vec`/slice of `serde::Serialize` values; implement `otel_genai::JsonAttribute` for your own types"
)]
pub trait JsonAttribute {
    /// The JSON text, or `None` to record nothing.
    fn json_value(&self) -> Option<String>;
}

macro_rules! through_pointers {
    ($trait:ident, $method:ident, $out:ty) => {
        impl<T: $trait + ?Sized> $trait for &T {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }
        impl<T: $trait + ?Sized> $trait for &mut T {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }
        impl<T: $trait + ?Sized> $trait for Box<T> {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }
        impl<T: $trait + ?Sized> $trait for Arc<T> {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }
        impl<T: $trait + ?Sized> $trait for Rc<T> {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }
        impl<T: $trait> $trait for Option<T> {
            fn $method(&self) -> Option<$out> {
                self.as_ref().and_then($trait::$method)
            }
        }
    };
}
through_pointers!(StrAttribute, str_value, Cow<'static, str>);
through_pointers!(IntAttribute, int_value, i64);
through_pointers!(DoubleAttribute, double_value, f64);
through_pointers!(BoolAttribute, bool_value, bool);
through_pointers!(StrArrayAttribute, str_array_value, Vec<StringValue>);
through_pointers!(JsonAttribute, json_value, String);

impl StrAttribute for str {
    fn str_value(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Owned(self.to_owned()))
    }
}

impl StrAttribute for String {
    fn str_value(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Owned(self.clone()))
    }
}

impl StrAttribute for Cow<'_, str> {
    fn str_value(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Owned(self.to_string()))
    }
}

macro_rules! ints {
    ($($ty:ty)*) => {$(
        impl IntAttribute for $ty {
            fn int_value(&self) -> Option<i64> {
                Some(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
        impl DoubleAttribute for $ty {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn double_value(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
ints!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl DoubleAttribute for f64 {
    fn double_value(&self) -> Option<f64> {
        Some(*self)
    }
}

impl DoubleAttribute for f32 {
    /// The decimal the `f32` was written as (`0.2`, not `0.20000000298023224`): its shortest
    /// representation, read as an `f64`.
    fn double_value(&self) -> Option<f64> {
        Some(shortest_decimal(*self))
    }
}

/// `value`'s shortest decimal as an `f64`. Most values have a few decimals (a temperature
/// of 0.7, a top-p of 0.95): the fewest that read back as `value` are found by arithmetic
/// (an integer divided by a power of ten is the `f64` nearest that decimal); other values
/// are written out and read back.
fn shortest_decimal(value: f32) -> f64 {
    let wide = f64::from(value);
    if wide.abs() < 1e7 {
        let mut scale = 1.0_f64;
        for _ in 0..=8 {
            let decimal = (wide * scale).round() / scale;
            if decimal as f32 == value {
                return decimal;
            }
            scale *= 10.0;
        }
    }
    let mut text = DecimalText { bytes: [0; 64], len: 0 };
    std::fmt::Write::write_fmt(&mut text, format_args!("{value}")).ok().and_then(|()| text.parse()).unwrap_or(wide)
}

/// A number's text, written on the stack.
struct DecimalText {
    bytes: [u8; 64],
    len: usize,
}

impl DecimalText {
    fn parse(&self) -> Option<f64> {
        std::str::from_utf8(&self.bytes[..self.len]).ok()?.parse().ok()
    }
}

impl std::fmt::Write for DecimalText {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let end = self.len + text.len();
        self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl BoolAttribute for bool {
    fn bool_value(&self) -> Option<bool> {
        Some(*self)
    }
}

impl<T: StrAttribute> StrArrayAttribute for [T] {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        Some(self.iter().filter_map(StrAttribute::str_value).map(StringValue::from).collect())
    }
}

impl<T: StrAttribute> StrArrayAttribute for Vec<T> {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        self.as_slice().str_array_value()
    }
}

impl<T: StrAttribute, const N: usize> StrArrayAttribute for [T; N] {
    fn str_array_value(&self) -> Option<Vec<StringValue>> {
        self.as_slice().str_array_value()
    }
}

impl JsonAttribute for str {
    fn json_value(&self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl JsonAttribute for String {
    fn json_value(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl JsonAttribute for serde_json::Value {
    fn json_value(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl<T: serde::Serialize> JsonAttribute for [T] {
    fn json_value(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

impl<T: serde::Serialize> JsonAttribute for Vec<T> {
    fn json_value(&self) -> Option<String> {
        self.as_slice().json_value()
    }
}

impl<T: serde::Serialize, const N: usize> JsonAttribute for [T; N] {
    fn json_value(&self) -> Option<String> {
        self.as_slice().json_value()
    }
}

/// Setters that check the value's type against the attribute's, used by the macros for
/// every name the conventions define.
impl Attributes {
    /// Sets a string attribute.
    pub fn set_str<V: StrAttribute + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        if let Some(value) = value.str_value() {
            self.set_value(key.into(), Value::String(value.into()));
        }
    }

    /// Sets an integer attribute.
    pub fn set_int<V: IntAttribute + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        if let Some(value) = value.int_value() {
            self.set_value(key.into(), Value::I64(value));
        }
    }

    /// Sets a double attribute.
    pub fn set_double<V: DoubleAttribute + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        if let Some(value) = value.double_value() {
            self.set_value(key.into(), Value::F64(value));
        }
    }

    /// Sets a boolean attribute.
    pub fn set_bool<V: BoolAttribute + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        if let Some(value) = value.bool_value() {
            self.set_value(key.into(), Value::Bool(value));
        }
    }

    /// Sets a string-array attribute.
    pub fn set_str_array<V: StrArrayAttribute + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        if let Some(values) = value.str_array_value() {
            self.set_value(key.into(), Value::Array(Array::String(values)));
        }
    }

    /// Sets a structured attribute (content: tool arguments and results, documents, ...)
    /// as JSON text, redacted, with secret-looking keys masked and within the content
    /// limit.
    pub fn set_json<V: JsonAttribute + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        if let Some(json) = value.json_value() {
            let key = key.into();
            let kind = match key.as_str() {
                crate::attr::GEN_AI_TOOL_CALL_ARGUMENTS => ContentKind::ToolArguments,
                crate::attr::GEN_AI_TOOL_CALL_RESULT => ContentKind::ToolResult,
                _ => ContentKind::Other,
            };
            let value = serde_json::from_str(&json).unwrap_or(serde_json::Value::String(json));
            self.set_value(key, Value::String(captured_json(kind, value).into()));
        }
    }

    /// Sets `gen_ai.input.messages` from the message model, when content is captured.
    pub fn set_input_messages<V: InputMessages + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        self.set_content(key.into(), ContentKind::InputMessages, || value.input_messages());
    }

    /// Sets `gen_ai.output.messages` from the message model, when content is captured.
    pub fn set_output_messages<V: OutputMessages + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        self.set_content(key.into(), ContentKind::OutputMessages, || value.output_messages());
    }

    /// Sets `gen_ai.system_instructions` from the message model, when content is captured.
    pub fn set_system_instructions<V: SystemInstructions + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        self.set_content(key.into(), ContentKind::SystemInstructions, || value.system_instructions());
    }

    /// Sets `gen_ai.tool.definitions` from the message model, when content is captured.
    pub fn set_tool_definitions<V: ToolDefinitions + ?Sized>(&mut self, key: impl Into<Key>, value: &V) {
        self.set_content(key.into(), ContentKind::ToolDefinitions, || value.tool_definitions());
    }

    /// Sets `key` to the items `items` gives, as their schema's JSON within the content
    /// limit: only when content is captured (else `items` is not called) and there are any.
    fn set_content<T: ToJson>(&mut self, key: Key, kind: ContentKind, items: impl FnOnce() -> Vec<T>) {
        if !self.capture_content() {
            return;
        }
        let items = items();
        if !items.is_empty() {
            self.set_value(key, Value::String(captured_items(kind, &items).into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_f32_keeps_the_decimal_it_was_written_as() {
        for (written, expected) in
            [(0.2_f32, 0.2_f64), (0.7, 0.7), (1.0e30, 1.0e30), (-3.5, -3.5), (f32::MAX, 3.4028235e38)]
        {
            assert_eq!(written.double_value(), Some(expected), "{written}");
        }
        assert_eq!(f32::INFINITY.double_value(), Some(f64::INFINITY));
        assert!(f32::NAN.double_value().is_some_and(f64::is_nan));
        // The arithmetic agrees with writing the value out and reading it back, over a sweep
        // of magnitudes and digits (and the 0.1 steps a setting usually takes).
        let mut state = 0x2545_f491_u32;
        let sweep = (0..20_000).map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            f32::from_bits(state)
        });
        let steps = (0..=200).map(|step| step as f32 / 100.0);
        let mut digits = 7_u32;
        let decimals = (0..20_000).map(move |n| {
            digits = digits.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (digits % 10_000_000) as f32 / 10_f32.powi(n % 8)
        });
        for value in sweep.chain(steps).chain(decimals).filter(|value| value.is_finite()) {
            let written: f64 = value.to_string().parse().unwrap();
            assert_eq!(shortest_decimal(value), written, "{value}");
        }
    }

    #[test]
    fn typed_setters_convert_and_skip_none() {
        let mut attrs = Attributes::new(false);
        attrs.set_double("t", &7_u8);
        attrs.set_int("n", &Some(u64::MAX));
        attrs.set_str("s", &Some(Box::<str>::from("x")));
        attrs.set_str("none", &None::<String>);
        attrs.set_str_array("a", &vec!["stop", "length"]);
        attrs.set_json("j", &[serde_json::json!({"role": "user"})]);
        assert_eq!(attrs.get("t"), Some(&Value::F64(7.0)));
        assert_eq!(attrs.get("n"), Some(&Value::I64(i64::MAX)));
        assert_eq!(attrs.get("s"), Some(&Value::from("x")));
        assert_eq!(attrs.get("none"), None);
        assert_eq!(attrs.get("a"), Some(&Value::Array(Array::String(vec!["stop".into(), "length".into()]))));
        assert_eq!(attrs.get("j"), Some(&Value::from(r#"[{"role":"user"}]"#)));
    }
}
