//! The traits through which user types describe themselves to a span.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use crate::Attributes;

/// A request whose fields become span attributes when the span starts.
///
/// Pass it to a span macro with `request = expr`; its attributes are on the span builder,
/// so samplers see them. The request model it reports (`gen_ai.request.model`) names the
/// span (`chat gpt-4o`) unless the macro's `model` argument overrides it.
///
/// ```
/// use otel_genai::{Attributes, GenAiRequest};
///
/// struct ChatRequest { model: String, temperature: Option<f64>, instructions: String }
///
/// impl GenAiRequest for ChatRequest {
///     fn record(&self, attrs: &mut Attributes) {
///         attrs.set("gen_ai.request.model", &self.model);
///         attrs.set("gen_ai.request.temperature", self.temperature);
///         // Content goes through the message model, and only when capture is on.
///         attrs.set_system_instructions("gen_ai.system_instructions", &self.instructions);
///     }
/// }
///
/// let mut attrs = Attributes::new(false);
/// ChatRequest { model: "gpt-4o".into(), temperature: None, instructions: "Be brief.".into() }.record(&mut attrs);
/// assert_eq!(attrs.len(), 1);
/// ```
pub trait GenAiRequest {
    /// Writes the request's attributes.
    fn record(&self, attrs: &mut Attributes);
}

/// A response whose fields become span attributes when the instrumented function returns.
///
/// When a function under a span macro returns a type implementing it (directly, in `Ok`,
/// or in `Some`), its attributes — response id and model, finish reasons, token usage —
/// are recorded on the span. Return types that do not implement it need nothing.
///
/// ```
/// use otel_genai::{Attributes, GenAiResponse};
///
/// struct ChatResponse { id: String, input_tokens: u32, output_tokens: u32 }
///
/// impl GenAiResponse for ChatResponse {
///     fn record(&self, attrs: &mut Attributes) {
///         attrs.set("gen_ai.response.id", &self.id);
///         attrs.set("gen_ai.usage.input_tokens", self.input_tokens);
///         attrs.set("gen_ai.usage.output_tokens", self.output_tokens);
///     }
/// }
/// ```
pub trait GenAiResponse {
    /// Writes the response's attributes.
    fn record(&self, attrs: &mut Attributes);
}

macro_rules! forward_through_pointers {
    ($($trait:ident),*) => {$(
        impl<T: $trait + ?Sized> $trait for &T {
            fn record(&self, attrs: &mut Attributes) {
                (**self).record(attrs)
            }
        }
        impl<T: $trait + ?Sized> $trait for &mut T {
            fn record(&self, attrs: &mut Attributes) {
                (**self).record(attrs)
            }
        }
        impl<T: $trait + ?Sized> $trait for Box<T> {
            fn record(&self, attrs: &mut Attributes) {
                (**self).record(attrs)
            }
        }
        impl<T: $trait + ?Sized> $trait for Arc<T> {
            fn record(&self, attrs: &mut Attributes) {
                (**self).record(attrs)
            }
        }
        impl<T: $trait + ?Sized> $trait for Rc<T> {
            fn record(&self, attrs: &mut Attributes) {
                (**self).record(attrs)
            }
        }
    )*};
}
forward_through_pointers!(GenAiRequest, GenAiResponse);

/// The low-cardinality `error.type` of an error returned by an instrumented function.
///
/// Errors that do not implement it are recorded with their type's name, as does the
/// default method. Implement it to report a code a dashboard can group by:
///
/// ```
/// use std::borrow::Cow;
/// use otel_genai::ErrorType;
///
/// #[derive(Debug)]
/// enum ApiError { RateLimited, Http(u16) }
///
/// impl ErrorType for ApiError {
///     fn error_type(&self) -> Cow<'static, str> {
///         match self {
///             ApiError::RateLimited => "rate_limited".into(),
///             ApiError::Http(status) => status.to_string().into(),
///         }
///     }
/// }
///
/// assert_eq!(ApiError::Http(503).error_type(), "503");
/// ```
pub trait ErrorType {
    /// The value of `error.type`. Keep it to a small set of values: it is a metric dimension.
    fn error_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(std::any::type_name::<Self>())
    }
}

impl<T: ErrorType + ?Sized> ErrorType for &T {
    fn error_type(&self) -> Cow<'static, str> {
        (**self).error_type()
    }
}

impl<T: ErrorType + ?Sized> ErrorType for Box<T> {
    fn error_type(&self) -> Cow<'static, str> {
        (**self).error_type()
    }
}
