//! Where the library's own messages go: a model with no price, a capture mode that is not
//! one, an exporter that cannot reach its collector. Standard error unless
//! [`init_with_diagnostics`](crate::init_with_diagnostics) gave a writer.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A place messages are written to, one line each, prefixed `otel-genai: `.
#[derive(Clone, Default)]
pub(crate) struct Diagnostics(Arc<Mutex<Option<Box<dyn Write + Send>>>>);

impl Diagnostics {
    /// Messages written to `out`.
    pub(crate) fn to(out: impl Write + Send + 'static) -> Diagnostics {
        Diagnostics(Arc::new(Mutex::new(Some(Box::new(out)))))
    }

    pub(crate) fn say(&self, message: &str) {
        match self.0.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
            Some(out) => {
                let _ = writeln!(out, "otel-genai: {message}").and_then(|()| out.flush());
            }
            None => say_on_stderr(message),
        }
    }
}

impl std::fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Diagnostics")
    }
}

static PROCESS: RwLock<Option<Diagnostics>> = RwLock::new(None);

/// Makes `diagnostics` where messages about the whole process go.
pub(crate) fn set_process(diagnostics: Diagnostics) {
    *PROCESS.write().unwrap_or_else(PoisonError::into_inner) = Some(diagnostics);
}

/// Says `message` where messages about the whole process go. Callers say each thing once.
pub(crate) fn say(message: &str) {
    match PROCESS.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
        Some(diagnostics) => diagnostics.say(message),
        None => say_on_stderr(message),
    }
}

fn say_on_stderr(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "otel-genai: {message}");
}
