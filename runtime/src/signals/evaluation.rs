//! Evaluations and user feedback, attached to the span of the call they judge: in the same
//! request, or later in another request or process.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use opentelemetry::logs::Severity;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};

use super::events::{self, Event};
use super::metrics::{Instruments, global_instruments};
use crate::attr;
use crate::span::tracer::ScopedSignals;

/// A reference to a span — or only to a response id — kept as a string (in a web page, a
/// queue, a database) to attach an [`evaluation`] to it later.
///
/// Its string form is the span's W3C `traceparent`, then, if known, `;` and the response
/// id: `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;chatcmpl-123`. Only a
/// response id: `;chatcmpl-123`.
///
/// ```
/// #[otel_genai::gen_ai_chat(provider = "openai", model = "gpt-4o")]
/// fn answer(question: &str) -> (String, Option<otel_genai::SpanRef>) {
///     // Handed to the web page with the answer, so its thumbs-up can find this span.
///     (question.to_uppercase(), otel_genai::SpanRef::current())
/// }
///
/// # let capture = otel_genai::testing::Capture::new();
/// let (_, span) = capture.in_scope(|| answer("why?"));
/// let kept: String = span.unwrap().to_string();
///
/// // Later, in the request that carries the user's feedback:
/// let span: otel_genai::SpanRef = kept.parse()?;
/// # capture.in_scope(|| {
/// otel_genai::evaluation(&span, "user_feedback").score(1.0).label("helpful").emit();
/// # });
/// # let events = capture.events();
/// # assert_eq!(events[0].name, Some("gen_ai.evaluation.result"));
/// # Ok::<(), otel_genai::SpanRefError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRef {
    span: Option<(TraceId, SpanId, TraceFlags)>,
    response_id: Option<String>,
}

impl SpanRef {
    /// The current span, if there is one.
    pub fn current() -> Option<SpanRef> {
        Context::map_current(|cx| {
            let span = cx.span();
            let context = span.span_context();
            context.is_valid().then(|| SpanRef {
                span: Some((context.trace_id(), context.span_id(), context.trace_flags())),
                response_id: None,
            })
        })
    }

    /// A response known only by its id (`gen_ai.response.id`), when its span is not.
    pub fn response(id: impl Into<String>) -> SpanRef {
        SpanRef { span: None, response_id: Some(id.into()) }
    }

    /// With the response id as well.
    pub fn with_response_id(mut self, id: impl Into<String>) -> SpanRef {
        self.response_id = Some(id.into());
        self
    }

    /// The trace of the span, if known.
    pub fn trace_id(&self) -> Option<TraceId> {
        self.span.map(|(trace, ..)| trace)
    }

    /// The span, if known.
    pub fn span_id(&self) -> Option<SpanId> {
        self.span.map(|(_, span, _)| span)
    }

    /// The response id, if known.
    pub fn response_id(&self) -> Option<&str> {
        self.response_id.as_deref()
    }

    fn span_context(&self) -> Option<SpanContext> {
        self.span.map(|(trace, span, flags)| SpanContext::new(trace, span, flags, true, TraceState::default()))
    }
}

impl fmt::Display for SpanRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((trace, span, flags)) = self.span {
            write!(f, "00-{trace}-{span}-{:02x}", flags.to_u8())?;
        }
        if let Some(id) = &self.response_id {
            write!(f, ";{id}")?;
        }
        Ok(())
    }
}

/// A string that is not a [`SpanRef`]: the string, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a span reference: {input:?}: {problem}")]
pub struct SpanRefError {
    input: String,
    problem: &'static str,
}

impl FromStr for SpanRef {
    type Err = SpanRefError;

    fn from_str(input: &str) -> Result<SpanRef, SpanRefError> {
        let error = |problem| SpanRefError { input: input.to_owned(), problem };
        let (parent, response) = match input.split_once(';') {
            Some((parent, response)) => (parent, Some(response)),
            None => (input, None),
        };
        let response_id = match response {
            Some("") => return Err(error("an empty response id after `;`")),
            Some(id) => Some(id.to_owned()),
            None => None,
        };
        if parent.is_empty() {
            return match response_id {
                Some(_) => Ok(SpanRef { span: None, response_id }),
                None => Err(error("expected a traceparent `00-<32 hex>-<16 hex>-<2 hex>` or `;<response id>`")),
            };
        }
        let parts: Vec<&str> = parent.split('-').collect();
        let [version, trace, span, flags] = parts[..] else {
            return Err(error("expected a traceparent `00-<32 hex>-<16 hex>-<2 hex>`"));
        };
        let hex = |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit());
        if version != "00" {
            return Err(error("the traceparent version must be `00`"));
        }
        if !hex(trace, 32) || !hex(span, 16) || !hex(flags, 2) {
            return Err(error("the trace id, span id and flags must be 32, 16 and 2 hex digits"));
        }
        let trace = TraceId::from_hex(trace).map_err(|_| error("the trace id is not hex"))?;
        let span = SpanId::from_hex(span).map_err(|_| error("the span id is not hex"))?;
        let flags = u8::from_str_radix(flags, 16).map_err(|_| error("the flags are not hex"))?;
        if trace == TraceId::INVALID || span == SpanId::INVALID {
            return Err(error("the trace id and span id must not be all zeros"));
        }
        Ok(SpanRef { span: Some((trace, span, TraceFlags::new(flags))), response_id })
    }
}

/// Starts an evaluation of the call `span` refers to, named `name` (`gen_ai.evaluation.name`:
/// `user_feedback`, `relevance`, ...). [`emit`](Evaluation::emit) sends it as the
/// `gen_ai.evaluation.result` event, parented to that span (or carrying only the response
/// id), and records the score in the `gen_ai.evaluation.score` histogram by name.
pub fn evaluation(span: &SpanRef, name: impl Into<String>) -> Evaluation {
    Evaluation { span: span.clone(), name: name.into(), score: None, label: None, explanation: None, error_type: None }
}

/// An evaluation being described: see [`evaluation`].
#[derive(Debug, Clone)]
#[must_use = "an evaluation is sent by `emit`"]
pub struct Evaluation {
    span: SpanRef,
    name: String,
    score: Option<f64>,
    label: Option<String>,
    explanation: Option<String>,
    error_type: Option<String>,
}

impl Evaluation {
    /// `gen_ai.evaluation.score.value`.
    pub fn score(mut self, value: f64) -> Evaluation {
        self.score = Some(value);
        self
    }

    /// `gen_ai.evaluation.score.label`: a low-cardinality reading of the score (`helpful`,
    /// `pass`, `relevant`).
    pub fn label(mut self, label: impl Into<String>) -> Evaluation {
        self.label = Some(label.into());
        self
    }

    /// `gen_ai.evaluation.explanation`: why, in the evaluator's words.
    pub fn explanation(mut self, text: impl Into<String>) -> Evaluation {
        self.explanation = Some(text.into());
        self
    }

    /// `error.type`: the evaluation itself failed.
    pub fn error_type(mut self, error_type: impl Into<String>) -> Evaluation {
        self.error_type = Some(error_type.into());
        self
    }

    /// Sends the `gen_ai.evaluation.result` event and records the score.
    pub fn emit(self) {
        let cx = Context::current();
        let name = KeyValue::new(attr::GEN_AI_EVALUATION_NAME, self.name.clone());
        if let (Some(score), Some(instruments)) = (self.score, instruments(&cx)) {
            let mut metric_attributes = vec![name.clone()];
            if let Some(label) = &self.label {
                metric_attributes.push(KeyValue::new(attr::GEN_AI_EVALUATION_SCORE_LABEL, label.clone()));
            }
            instruments.evaluation_score.record(score, &metric_attributes);
        }
        if !events::wanted(&cx) {
            return;
        }
        let mut attributes = vec![name];
        attributes.extend(self.score.map(|score| KeyValue::new(attr::GEN_AI_EVALUATION_SCORE_VALUE, score)));
        attributes.extend(self.label.map(|label| KeyValue::new(attr::GEN_AI_EVALUATION_SCORE_LABEL, label)));
        attributes.extend(self.explanation.map(|text| KeyValue::new(attr::GEN_AI_EVALUATION_EXPLANATION, text)));
        attributes.extend(self.span.response_id.clone().map(|id| KeyValue::new(attr::GEN_AI_RESPONSE_ID, id)));
        attributes.extend(self.error_type.map(|error| KeyValue::new(attr::ERROR_TYPE, error)));
        events::emit(
            &cx,
            Event {
                name: crate::event::GEN_AI_EVALUATION_RESULT,
                severity: Severity::Info,
                attributes,
                about: self.span.span_context(),
                span: None,
            },
        );
    }
}

fn instruments(cx: &Context) -> Option<Arc<Instruments>> {
    match cx.get::<ScopedSignals>() {
        Some(scoped) => scoped.instruments.clone(),
        None => global_instruments(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_refs_round_trip_through_their_string_form() {
        let span = SpanRef {
            span: Some((
                TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
                SpanId::from(0x00f0_67aa_0ba9_02b7),
                TraceFlags::SAMPLED,
            )),
            response_id: Some("chatcmpl-1;2".to_owned()),
        };
        let text = span.to_string();
        assert_eq!(text, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;chatcmpl-1;2");
        assert_eq!(text.parse::<SpanRef>(), Ok(span));
        assert_eq!(";r-9".parse::<SpanRef>(), Ok(SpanRef::response("r-9")));
    }

    #[test]
    fn bad_strings_say_what_is_wrong() {
        let problem = |text: &str| text.parse::<SpanRef>().unwrap_err().to_string();
        assert_eq!(
            problem(""),
            r#"not a span reference: "": expected a traceparent `00-<32 hex>-<16 hex>-<2 hex>` or `;<response id>`"#
        );
        assert_eq!(
            problem("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            r#"not a span reference: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01": the traceparent version must be `00`"#
        );
        assert!(problem("00-xyz-00f067aa0ba902b7-01").ends_with("must be 32, 16 and 2 hex digits"));
        assert!(problem("00-00000000000000000000000000000000-00f067aa0ba902b7-01").ends_with("must not be all zeros"));
        assert!(
            problem("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;")
                .ends_with("an empty response id after `;`")
        );
    }
}
