//! The attribute sink that spans, requests and responses write into.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use opentelemetry::{Array, Key, KeyValue, Value};

use crate::{BoolAttribute, DoubleAttribute, IntAttribute, StrAttribute};

/// The attributes being collected for one span, at its start or from its response.
///
/// Setting a key that is already present replaces its value, so an explicit macro
/// argument overrides what a request type reported, and no key is ever sent twice.
///
/// ```
/// use otel_genai::Attributes;
///
/// let mut attrs = Attributes::new(false);
/// attrs.set("gen_ai.request.model", "gpt-4o");
/// attrs.set("gen_ai.request.max_tokens", 256_u32);
/// attrs.set("gen_ai.request.temperature", None::<f64>); // `None` records nothing
/// attrs.set("gen_ai.request.model", "gpt-4o-mini");    // replaces the first value
///
/// assert_eq!(attrs.len(), 2);
/// assert_eq!(attrs.get("gen_ai.request.model").map(|v| v.as_str()), Some("gpt-4o-mini".into()));
/// ```
#[derive(Debug, Clone)]
pub struct Attributes {
    list: Vec<KeyValue>,
    capture_content: bool,
    /// Whether a key may already be present. Off while a span macro writes keys it checked
    /// for duplicates when it expanded; on once other code (a request) has written.
    may_repeat: bool,
    /// A bit for each key length present (modulo 64): a key whose length bit is clear is
    /// certainly new, so most sets need no search.
    lengths: u64,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes::new(false)
    }
}

impl Attributes {
    /// An empty set. `capture_content` tells implementations of
    /// [`GenAiRequest`](crate::GenAiRequest) and [`GenAiResponse`](crate::GenAiResponse)
    /// whether prompts and completions may be recorded.
    pub fn new(capture_content: bool) -> Self {
        Attributes { list: Vec::new(), capture_content, may_repeat: true, lengths: 0 }
    }

    /// An empty set with room for `capacity` attributes.
    #[inline]
    pub(crate) fn with_capacity(capacity: usize, capture_content: bool) -> Self {
        Attributes { list: Vec::with_capacity(capacity), capture_content, may_repeat: true, lengths: 0 }
    }

    /// A set the caller fills with distinct keys until [`Attributes::expect_repeats`].
    #[inline]
    pub(crate) fn with_distinct_keys(capacity: usize, capture_content: bool) -> Self {
        Attributes { list: Vec::with_capacity(capacity), capture_content, may_repeat: false, lengths: 0 }
    }

    /// From now on a key may be set again, and later values replace earlier ones.
    #[inline]
    pub(crate) fn expect_repeats(&mut self) {
        self.may_repeat = true;
    }

    /// Whether message content (prompts, completions, tool arguments and results) may be
    /// recorded. Content is personal data more often than not, so it is off unless the
    /// application turned it on.
    #[inline]
    pub fn capture_content(&self) -> bool {
        self.capture_content
    }

    /// Sets `key` to `value`, replacing an earlier value of the same key. A value that
    /// converts to nothing (`None`) leaves the set unchanged.
    pub fn set<K, V>(&mut self, key: K, value: V) -> &mut Self
    where
        K: Into<Key>,
        V: ToAttributeValue,
    {
        if let Some(value) = value.to_attribute_value() {
            self.set_value(key.into(), value);
        }
        self
    }

    /// Sets an already converted value, replacing an earlier value of the same key.
    #[inline]
    pub fn set_value(&mut self, key: Key, value: Value) {
        let length_bit = 1_u64 << (key.as_str().len() % 64);
        if self.may_repeat && self.lengths & length_bit != 0 {
            let wanted = key.as_str();
            let same = |kv: &&mut KeyValue| {
                let have = kv.key.as_str();
                have.len() == wanted.len() && (std::ptr::eq(have, wanted) || have == wanted)
            };
            if let Some(existing) = self.list.iter_mut().find(same) {
                existing.value = value;
                return;
            }
        }
        self.lengths |= length_bit;
        self.list.push(KeyValue::new(key, value));
    }

    /// Removes the content attributes (prompts, completions, tool arguments and results):
    /// collected for an event, they stay off the span.
    pub(crate) fn remove_content(&mut self) {
        self.list.retain(|kv| !crate::content::is_content(kv.key.as_str()));
    }

    /// Sets `kv` unless its key is already set: for defaults that what the call itself
    /// says overrides.
    pub(crate) fn set_default(&mut self, kv: &KeyValue) {
        let length_bit = 1_u64 << (kv.key.as_str().len() % 64);
        if self.lengths & length_bit != 0 && self.get(kv.key.as_str()).is_some() {
            return;
        }
        self.lengths |= length_bit;
        self.list.push(kv.clone());
    }

    /// Appends a static string attribute without looking for an earlier value: for keys
    /// the caller knows are not set yet.
    #[doc(hidden)]
    #[inline]
    pub fn push_static(&mut self, key: &'static str, value: &'static str) {
        self.lengths |= 1_u64 << (key.len() % 64);
        self.list.push(KeyValue::new(Key::from_static_str(key), Value::String(value.into())));
    }

    /// Appends static string attributes whose keys the caller knows are not set yet.
    #[doc(hidden)]
    #[inline]
    pub fn extend_static(&mut self, pairs: &[(&'static str, &'static str)]) {
        for (key, value) in pairs {
            self.push_static(key, value);
        }
    }

    /// Sets a static string attribute, replacing an earlier value, without copying it.
    #[inline]
    pub fn set_static(&mut self, key: &'static str, value: &'static str) {
        if self.may_repeat {
            self.set_value(Key::from_static_str(key), Value::String(value.into()));
        } else {
            self.push_static(key, value);
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.list.iter().find(|kv| kv.key.as_str() == key).map(|kv| &kv.value)
    }

    /// How many attributes are set.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The attributes, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = &KeyValue> {
        self.list.iter()
    }

    /// The attributes as OpenTelemetry key-values.
    pub fn into_vec(self) -> Vec<KeyValue> {
        self.list
    }
}

/// A Rust value that can be recorded as an OpenTelemetry attribute value.
///
/// Implemented for strings, booleans, integers and floats of every width, slices and
/// vectors of those, `Option` (where `None` records nothing) and references, boxes and
/// `Arc`s of any of them. Unsigned integers above `i64::MAX` saturate.
///
/// Implement it for your own enums to record them as their convention value:
///
/// ```
/// use otel_genai::{Attributes, ToAttributeValue};
/// use opentelemetry::Value;
///
/// enum Effort { Low, High }
///
/// impl ToAttributeValue for Effort {
///     fn to_attribute_value(&self) -> Option<Value> {
///         Some(match self { Effort::Low => "low", Effort::High => "high" }.into())
///     }
/// }
///
/// let mut attrs = Attributes::new(false);
/// attrs.set("gen_ai.request.reasoning.level", Effort::High);
/// assert_eq!(attrs.get("gen_ai.request.reasoning.level").map(|v| v.as_str()), Some("high".into()));
/// ```
pub trait ToAttributeValue {
    /// The attribute value, or `None` to record nothing.
    fn to_attribute_value(&self) -> Option<Value>;
}

impl ToAttributeValue for Value {
    fn to_attribute_value(&self) -> Option<Value> {
        Some(self.clone())
    }
}

// Scalars convert exactly as the typed traits say (integers saturate at `i64::MAX`, `f32`
// widens), however a value is recorded: one conversion per type.
macro_rules! scalar_values {
    ($typed:ident::$method:ident => $variant:ident: $($ty:ty),*) => {$(
        impl ToAttributeValue for $ty {
            fn to_attribute_value(&self) -> Option<Value> {
                $typed::$method(self).map(|value| Value::$variant(value.into()))
            }
        }
    )*};
}
scalar_values!(StrAttribute::str_value => String: str, String, Cow<'_, str>);
scalar_values!(IntAttribute::int_value => I64: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
scalar_values!(DoubleAttribute::double_value => F64: f32, f64);
scalar_values!(BoolAttribute::bool_value => Bool: bool);

impl<T: ToAttributeValue> ToAttributeValue for Option<T> {
    fn to_attribute_value(&self) -> Option<Value> {
        self.as_ref().and_then(ToAttributeValue::to_attribute_value)
    }
}

macro_rules! pointer_values {
    ($($ptr:ty),*) => {$(
        impl<T: ToAttributeValue + ?Sized> ToAttributeValue for $ptr {
            fn to_attribute_value(&self) -> Option<Value> {
                (**self).to_attribute_value()
            }
        }
    )*};
}
pointer_values!(&T, &mut T, Box<T>, Arc<T>, Rc<T>);

/// An element of an array attribute: strings, `i64`-convertible integers, floats, booleans.
pub trait ArrayElement: Sized {
    /// The OpenTelemetry array holding `items`.
    fn to_array(items: &[Self]) -> Array;
}

macro_rules! array_elements {
    ($typed:ident::$method:ident => $variant:ident: $($ty:ty),*) => {$(
        impl ArrayElement for $ty {
            fn to_array(items: &[Self]) -> Array {
                Array::$variant(items.iter().filter_map($typed::$method).map(Into::into).collect())
            }
        }
    )*};
}
array_elements!(StrAttribute::str_value => String: String, &str, Cow<'_, str>);
array_elements!(IntAttribute::int_value => I64: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
array_elements!(DoubleAttribute::double_value => F64: f32, f64);
array_elements!(BoolAttribute::bool_value => Bool: bool);

impl<T: ArrayElement> ToAttributeValue for [T] {
    fn to_attribute_value(&self) -> Option<Value> {
        Some(Value::Array(T::to_array(self)))
    }
}

impl<T: ArrayElement> ToAttributeValue for Vec<T> {
    fn to_attribute_value(&self) -> Option<Value> {
        self.as_slice().to_attribute_value()
    }
}

impl<T: ArrayElement, const N: usize> ToAttributeValue for [T; N] {
    fn to_attribute_value(&self) -> Option<Value> {
        self.as_slice().to_attribute_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_values_replace_earlier_ones() {
        let mut attrs = Attributes::new(false);
        attrs.set("a", 1_i64).set("b", "x").set("a", 2_i64);
        let pairs: Vec<_> = attrs.iter().map(|kv| (kv.key.as_str().to_owned(), kv.value.clone())).collect();
        assert_eq!(pairs, vec![("a".to_owned(), Value::I64(2)), ("b".to_owned(), Value::from("x"))]);
    }

    #[test]
    fn none_records_nothing_and_does_not_erase() {
        let mut attrs = Attributes::new(false);
        attrs.set("a", Some(3_u32)).set("a", None::<u32>);
        assert_eq!(attrs.get("a"), Some(&Value::I64(3)));
    }

    #[test]
    fn conversions_pick_the_convention_types() {
        assert_eq!(u64::MAX.to_attribute_value(), Some(Value::I64(i64::MAX)));
        assert_eq!(0.5_f32.to_attribute_value(), Some(Value::F64(0.5)));
        assert_eq!(
            vec!["stop".to_owned()].to_attribute_value(),
            Some(Value::Array(Array::String(vec!["stop".into()])))
        );
        assert_eq!(["a", "b"].to_attribute_value(), Some(Value::Array(Array::String(vec!["a".into(), "b".into()]))));
        assert_eq!((&&7_u8).to_attribute_value(), Some(Value::I64(7)));
        assert_eq!(Arc::<str>::from("x").to_attribute_value(), Some(Value::from("x")));
    }
}
