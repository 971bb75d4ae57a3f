//! Outcome probes: which parts of a returned value can be recorded, decided by method
//! resolution where the macro expanded (autoref specialisation), so a return type needs
//! no annotation and no trait bound.
//!
//! `(&&Probe(&out)).split_outcome()` splits `Result`/`Option` into value and error;
//! `(&&ResponseProbe(v)).record_response(..)` records `v` only if it is a `GenAiResponse`;
//! `ErrorProbe` finds the best `error.type` and message an error type offers.

use std::borrow::Cow;
use std::fmt::{Debug, Display};

use crate::span::SpanGuard;
use crate::stream::StreamSummary;
use crate::{ErrorType, GenAiChunk, GenAiResponse};

/// A returned value being looked at.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// The error half of a value that cannot fail.
pub enum NoError {}

/// `Result` and `Option`: split into the success value and the error.
pub trait SplitOutcome<'a> {
    /// The success value.
    type Value: ?Sized;
    /// The error.
    type Error: ?Sized;
    /// The value, or the error, or neither (`None`).
    fn split_outcome(self) -> (Option<&'a Self::Value>, Option<&'a Self::Error>);
}

impl<'a, T, E> SplitOutcome<'a> for &&Probe<'a, Result<T, E>> {
    type Value = T;
    type Error = E;
    fn split_outcome(self) -> (Option<&'a T>, Option<&'a E>) {
        match self.0 {
            Ok(value) => (Some(value), None),
            Err(error) => (None, Some(error)),
        }
    }
}

impl<'a, T> SplitOutcome<'a> for &&Probe<'a, Option<T>> {
    type Value = T;
    type Error = NoError;
    fn split_outcome(self) -> (Option<&'a T>, Option<&'a NoError>) {
        (self.0.as_ref(), None)
    }
}

/// Any other value: all success.
pub trait SplitPlain<'a> {
    /// The value itself.
    type Value: ?Sized;
    /// The value, never an error.
    fn split_outcome(self) -> (Option<&'a Self::Value>, Option<&'a NoError>);
}

impl<'a, T: ?Sized> SplitPlain<'a> for &Probe<'a, T> {
    type Value = T;
    fn split_outcome(self) -> (Option<&'a T>, Option<&'a NoError>) {
        (Some(self.0), None)
    }
}

/// A success value being looked at.
pub struct ResponseProbe<'a, T: ?Sized>(pub &'a T);

/// A `GenAiResponse`: recorded.
pub trait RecordResponse {
    /// Records the response's attributes on `span`.
    fn record_response(self, span: &mut SpanGuard);
}

impl<T: GenAiResponse + ?Sized> RecordResponse for &&ResponseProbe<'_, T> {
    fn record_response(self, span: &mut SpanGuard) {
        span.record_response(self.0);
    }
}

/// Anything else: nothing to record.
pub trait SkipResponse {
    /// Does nothing.
    fn record_response(self, span: &mut SpanGuard);
}

impl<T: ?Sized> SkipResponse for &ResponseProbe<'_, T> {
    fn record_response(self, _span: &mut SpanGuard) {}
}

/// An error being looked at.
pub struct ErrorProbe<'a, E: ?Sized>(pub &'a E);

/// An error implementing `ErrorType`: its own low-cardinality code.
pub trait CodedError {
    /// The value of `error.type`.
    fn probe_error_type(self) -> Cow<'static, str>;
}

impl<E: ErrorType + ?Sized> CodedError for &&ErrorProbe<'_, E> {
    fn probe_error_type(self) -> Cow<'static, str> {
        self.0.error_type()
    }
}

/// Any other error: its type's name.
pub trait NamedError {
    /// The value of `error.type`.
    fn probe_error_type(self) -> Cow<'static, str>;
}

impl<E: ?Sized> NamedError for &ErrorProbe<'_, E> {
    fn probe_error_type(self) -> Cow<'static, str> {
        Cow::Borrowed(std::any::type_name::<E>())
    }
}

/// An error implementing `Display`: its message.
pub trait DisplayedError {
    /// The status message.
    fn probe_error_message(self) -> String;
}

impl<E: Display + ?Sized> DisplayedError for &&&ErrorProbe<'_, E> {
    fn probe_error_message(self) -> String {
        self.0.to_string()
    }
}

/// An error implementing only `Debug`: its debug form.
pub trait DebuggedError {
    /// The status message.
    fn probe_error_message(self) -> String;
}

impl<E: Debug + ?Sized> DebuggedError for &&ErrorProbe<'_, E> {
    fn probe_error_message(self) -> String {
        format!("{:?}", self.0)
    }
}

/// An error with no text form: its type's name.
pub trait OpaqueError {
    /// The status message.
    fn probe_error_message(self) -> String;
}

impl<E: ?Sized> OpaqueError for &ErrorProbe<'_, E> {
    fn probe_error_message(self) -> String {
        std::any::type_name::<E>().to_owned()
    }
}

/// The name of `E`, the `exception.type`.
pub fn type_name_of<E: ?Sized>(_: &E) -> &'static str {
    std::any::type_name::<E>()
}

/// A value looked at for its JSON form: a tool's argument or result.
pub struct JsonProbe<'a, T: ?Sized>(pub &'a T);

/// A `serde::Serialize` value: its JSON.
pub trait SerializeJson {
    /// The value as JSON.
    fn json_value(self) -> Option<serde_json::Value>;
}

impl<T: serde::Serialize + ?Sized> SerializeJson for &&JsonProbe<'_, T> {
    fn json_value(self) -> Option<serde_json::Value> {
        serde_json::to_value(self.0).ok()
    }
}

/// Any other value: nothing (a client, a handle).
pub trait OpaqueJson {
    /// Nothing.
    fn json_value(self) -> Option<serde_json::Value>;
}

impl<T: ?Sized> OpaqueJson for &JsonProbe<'_, T> {
    fn json_value(self) -> Option<serde_json::Value> {
        None
    }
}

/// A stream item's success value being looked at.
pub struct ChunkProbe<'a, T: ?Sized>(pub &'a T);

/// A `GenAiChunk`: reports what it knows.
pub trait ObserveChunk {
    /// Reports the chunk to `summary`.
    fn observe_chunk(self, summary: &mut StreamSummary);
}

impl<T: GenAiChunk + ?Sized> ObserveChunk for &&ChunkProbe<'_, T> {
    fn observe_chunk(self, summary: &mut StreamSummary) {
        self.0.record_chunk(summary);
    }
}

/// Any other item: nothing to report.
pub trait SkipChunk {
    /// Does nothing.
    fn observe_chunk(self, summary: &mut StreamSummary);
}

impl<T: ?Sized> SkipChunk for &ChunkProbe<'_, T> {
    fn observe_chunk(self, _summary: &mut StreamSummary) {}
}

/// Records the outcome held in `$out` (a reference to the returned value) on the span
/// guard `$span`, then ends the span.
#[doc(hidden)]
#[macro_export]
macro_rules! __record_outcome {
    ($span:ident, $out:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::{RecordResponse as _, SkipResponse as _, SplitOutcome as _, SplitPlain as _};
        let (value, error) = (&&$crate::__private::Probe($out)).split_outcome();
        if let $crate::__private::Option::Some(value) = value {
            (&&$crate::__private::ResponseProbe(value)).record_response(&mut $span);
            if $span.captures_tool_result() {
                #[allow(unused_imports)]
                use $crate::__private::{OpaqueJson as _, SerializeJson as _};
                $span.record_tool_result((&&$crate::__private::JsonProbe(value)).json_value());
            }
        }
        if let $crate::__private::Option::Some(error) = error {
            $crate::__record_error!($span, error);
        }
        $span.end();
    }};
}

/// Records the error `$error` (a reference) on `$sink`: a span guard, or the chunk sink
/// of an instrumented stream.
#[doc(hidden)]
#[macro_export]
macro_rules! __record_error {
    ($sink:expr, $error:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::{
            CodedError as _, DebuggedError as _, DisplayedError as _, NamedError as _, OpaqueError as _,
        };
        let error = $error;
        $sink.record_error(
            (&&$crate::__private::ErrorProbe(error)).probe_error_type(),
            $crate::__private::type_name_of(error),
            || (&&&$crate::__private::ErrorProbe(error)).probe_error_message(),
        );
    }};
}

/// The observer of an instrumented stream's items: a chunk implementing `GenAiChunk` (as
/// the item, or in `Ok` or `Some`) is reported, an `Err` item recorded as an error.
#[doc(hidden)]
#[macro_export]
macro_rules! __observe_items {
    () => {
        $crate::__observe_items!(_)
    };
    ($item:ty) => {
        |item: &$item, sink: &mut $crate::__private::ChunkSink<'_>| {
            #[allow(unused_imports)]
            use $crate::__private::{ObserveChunk as _, SkipChunk as _, SplitOutcome as _, SplitPlain as _};
            let (value, error) = (&&$crate::__private::Probe(item)).split_outcome();
            if let $crate::__private::Option::Some(value) = value {
                (&&$crate::__private::ChunkProbe(value)).observe_chunk(sink.summary());
            }
            if let $crate::__private::Option::Some(error) = error {
                $crate::__record_error!(sink, error);
            }
        }
    };
}
