//! Whether message content may be recorded.

use std::sync::atomic::{AtomicU8, Ordering};

/// The environment variable that turns content capture on (`true`, `1`, `span_only`,
/// `span_and_event`, case-insensitive); anything else, or unset, leaves it off.
pub const CAPTURE_ENV: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

static CAPTURE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Turns recording of prompts, completions, tool arguments and results on or off for
/// the whole process, overriding [`CAPTURE_ENV`].
///
/// ```
/// otel_genai::set_capture_message_content(true);
/// assert!(otel_genai::capture_message_content());
/// otel_genai::set_capture_message_content(false);
/// assert!(!otel_genai::capture_message_content());
/// ```
pub fn set_capture_message_content(enabled: bool) {
    CAPTURE.store(if enabled { ON } else { OFF }, Ordering::Relaxed);
}

/// Whether prompts and completions are recorded: what [`set_capture_message_content`]
/// set, else what [`CAPTURE_ENV`] says (read once), else off.
pub fn capture_message_content() -> bool {
    capture_enabled()
}

pub(crate) fn capture_enabled() -> bool {
    match CAPTURE.load(Ordering::Relaxed) {
        ON => true,
        OFF => false,
        _ => {
            let enabled = std::env::var(CAPTURE_ENV).is_ok_and(|value| env_enables(&value));
            // A concurrent explicit setting wins over the environment.
            let _ =
                CAPTURE.compare_exchange(UNKNOWN, if enabled { ON } else { OFF }, Ordering::Relaxed, Ordering::Relaxed);
            CAPTURE.load(Ordering::Relaxed) == ON
        }
    }
}

fn env_enables(value: &str) -> bool {
    ["true", "1", "span_only", "span_and_event"].iter().any(|on| value.trim().eq_ignore_ascii_case(on))
}

#[cfg(test)]
mod tests {
    use super::env_enables;

    #[test]
    fn environment_values() {
        assert!(env_enables("TRUE"));
        assert!(env_enables(" span_only "));
        assert!(!env_enables("false"));
        assert!(!env_enables("NO_CONTENT"));
        assert!(!env_enables(""));
    }
}
