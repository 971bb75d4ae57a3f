//! Message content — prompts, completions, system instructions, tool definitions, tool
//! arguments and results — recorded only when the application allows it, in the shape the
//! conventions' JSON schemas define, within a size limit, after redaction.
//!
//! Content is off by default: arguments of GenAI functions are prompts, which are often
//! personal data. [`CAPTURE_ENV`] or [`set_capture_mode`] turn it on.

pub mod messages;
mod shape;

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

pub use self::shape::{CONTENT_LIMIT, REDACTED, set_content_limit, set_content_redactor};
pub(crate) use self::shape::{captured_items, captured_json};

/// The environment variable that sets the capture mode: `NO_CONTENT`, `SPAN_ONLY`,
/// `EVENT_ONLY`, `SPAN_AND_EVENT` (or `true` for `SPAN_ONLY`, `false` for `NO_CONTENT`),
/// case-insensitive. Unset means off; an unknown value is reported once on standard error
/// and means off.
pub const CAPTURE_ENV: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/// Where message content is recorded, if anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaptureMode {
    /// Nowhere (the default).
    NoContent,
    /// On spans, as the content attributes.
    SpanOnly,
    /// In the `gen_ai.client.inference.operation.details` event only.
    EventOnly,
    /// On spans and in events.
    SpanAndEvent,
}

impl CaptureMode {
    /// Whether spans carry content attributes.
    pub const fn on_spans(self) -> bool {
        matches!(self, CaptureMode::SpanOnly | CaptureMode::SpanAndEvent)
    }

    /// Whether events carry content.
    pub const fn on_events(self) -> bool {
        matches!(self, CaptureMode::EventOnly | CaptureMode::SpanAndEvent)
    }

    /// The mode a value of [`CAPTURE_ENV`] names, or `None` for an unknown value.
    pub fn parse(value: &str) -> Option<CaptureMode> {
        let value = value.trim();
        let is = |name: &str| value.eq_ignore_ascii_case(name);
        if is("NO_CONTENT") || is("false") || is("0") || value.is_empty() {
            Some(CaptureMode::NoContent)
        } else if is("SPAN_ONLY") || is("true") || is("1") {
            Some(CaptureMode::SpanOnly)
        } else if is("EVENT_ONLY") {
            Some(CaptureMode::EventOnly)
        } else if is("SPAN_AND_EVENT") {
            Some(CaptureMode::SpanAndEvent)
        } else {
            None
        }
    }

    const fn code(self) -> u8 {
        match self {
            CaptureMode::NoContent => 1,
            CaptureMode::SpanOnly => 2,
            CaptureMode::EventOnly => 3,
            CaptureMode::SpanAndEvent => 4,
        }
    }

    const fn from_code(code: u8) -> Option<CaptureMode> {
        match code {
            1 => Some(CaptureMode::NoContent),
            2 => Some(CaptureMode::SpanOnly),
            3 => Some(CaptureMode::EventOnly),
            4 => Some(CaptureMode::SpanAndEvent),
            _ => None,
        }
    }
}

/// No mode set in code: the environment decides.
const UNKNOWN: u8 = 0;

static MODE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Sets where message content is recorded for the whole process, overriding
/// [`CAPTURE_ENV`].
///
/// ```
/// use otel_genai::content::{CaptureMode, capture_mode, set_capture_mode};
///
/// set_capture_mode(CaptureMode::SpanAndEvent);
/// assert!(capture_mode().on_spans() && capture_mode().on_events());
/// set_capture_mode(CaptureMode::NoContent);
/// ```
pub fn set_capture_mode(mode: CaptureMode) {
    MODE.store(mode.code(), Ordering::Relaxed);
}

/// Where message content is recorded: what [`set_capture_mode`] set, else what
/// [`CAPTURE_ENV`] says (read once), else nowhere.
pub fn capture_mode() -> CaptureMode {
    CaptureMode::from_code(MODE.load(Ordering::Relaxed)).unwrap_or_else(mode_from_env)
}

/// What [`CAPTURE_ENV`] says, read once: a value that is not a mode is said once and
/// means no content.
fn mode_from_env() -> CaptureMode {
    static FROM_ENV: OnceLock<CaptureMode> = OnceLock::new();
    *FROM_ENV.get_or_init(|| match std::env::var(CAPTURE_ENV) {
        Ok(value) => CaptureMode::parse(&value).unwrap_or_else(|| {
            crate::diagnostics::say(&format!(
                "{CAPTURE_ENV}={value:?} is not a capture mode (NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT, true, false): message content is not recorded"
            ));
            CaptureMode::NoContent
        }),
        Err(_) => CaptureMode::NoContent,
    })
}

/// Turns recording of prompts, completions, tool arguments and results on spans on or off
/// for the whole process: [`CaptureMode::SpanOnly`] or [`CaptureMode::NoContent`].
///
/// ```
/// otel_genai::set_capture_message_content(true);
/// assert!(otel_genai::capture_message_content());
/// otel_genai::set_capture_message_content(false);
/// assert!(!otel_genai::capture_message_content());
/// ```
pub fn set_capture_message_content(enabled: bool) {
    set_capture_mode(if enabled { CaptureMode::SpanOnly } else { CaptureMode::NoContent });
}

/// Whether spans record prompts and completions: see [`capture_mode`].
pub fn capture_message_content() -> bool {
    capture_enabled()
}

#[inline]
pub(crate) fn capture_enabled() -> bool {
    capture_mode().on_spans()
}

// Kept for the shape module: the limit and the redactor.
static LIMIT: AtomicUsize = AtomicUsize::new(CONTENT_LIMIT);
type Redactor = Arc<dyn Fn(ContentKind, &mut serde_json::Value) + Send + Sync>;
static REDACTOR: RwLock<Option<Redactor>> = RwLock::new(None);

/// What a captured value is, as a redactor sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentKind {
    /// `gen_ai.input.messages`.
    InputMessages,
    /// `gen_ai.output.messages`.
    OutputMessages,
    /// `gen_ai.system_instructions`.
    SystemInstructions,
    /// `gen_ai.tool.definitions`.
    ToolDefinitions,
    /// `gen_ai.tool.call.arguments`.
    ToolArguments,
    /// `gen_ai.tool.call.result`.
    ToolResult,
    /// Any other content attribute.
    Other,
}

/// Whether `key` is a content attribute of the conventions (prompts, completions, tool
/// arguments and results): recorded only where the capture mode allows.
pub(crate) fn is_content(key: &str) -> bool {
    crate::conventions::attribute(key).is_some_and(|def| def.content)
}

fn redactor() -> Option<Redactor> {
    REDACTOR.read().unwrap_or_else(PoisonError::into_inner).clone()
}

#[cfg(test)]
mod tests {
    use super::CaptureMode;

    #[test]
    fn environment_values() {
        assert_eq!(CaptureMode::parse("TRUE"), Some(CaptureMode::SpanOnly));
        assert_eq!(CaptureMode::parse(" span_only "), Some(CaptureMode::SpanOnly));
        assert_eq!(CaptureMode::parse("EVENT_ONLY"), Some(CaptureMode::EventOnly));
        assert_eq!(CaptureMode::parse("span_and_event"), Some(CaptureMode::SpanAndEvent));
        assert_eq!(CaptureMode::parse("false"), Some(CaptureMode::NoContent));
        assert_eq!(CaptureMode::parse("NO_CONTENT"), Some(CaptureMode::NoContent));
        assert_eq!(CaptureMode::parse(""), Some(CaptureMode::NoContent));
        assert_eq!(CaptureMode::parse("yes please"), None);
    }
}
