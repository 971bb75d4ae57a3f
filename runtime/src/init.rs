//! One-line setup: `let _telemetry = otel_genai::init()?;`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, PoisonError};

use opentelemetry::Context;
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, Span, SpanData, SpanProcessor};

use crate::SpanTree;

/// Why [`init`] could not set up telemetry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// An OTLP endpoint is configured, but this build has no OTLP exporter.
    #[error(
        "{variable} is set to {endpoint:?}, but this build of otel-genai has no OTLP exporter; unset it to print traces on the terminal, or install your own tracer provider"
    )]
    OtlpUnavailable {
        /// The variable that was set.
        variable: &'static str,
        /// Its value.
        endpoint: String,
    },
}

/// Installed telemetry. Dropping it flushes and shuts down the providers `init` installed.
#[derive(Debug)]
#[must_use = "dropping the guard shuts telemetry down at once"]
pub struct Telemetry {
    tracer_provider: SdkTracerProvider,
}

impl Telemetry {
    /// Exports every finished span now.
    pub fn flush(&self) {
        let _ = self.tracer_provider.force_flush();
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        let _ = self.tracer_provider.shutdown();
    }
}

/// Installs a global tracer provider configured by the standard `OTEL_*` variables
/// (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`, ...).
///
/// With no `OTEL_EXPORTER_OTLP_ENDPOINT` set, every trace is printed on standard output
/// as a tree when its root span ends: names, durations, models, token counts, errors.
///
/// ```no_run
/// fn main() -> Result<(), otel_genai::InitError> {
///     let _telemetry = otel_genai::init()?;
///     // ... run instrumented code; traces print as they finish ...
///     Ok(())
/// } // `_telemetry` dropped: everything is flushed
/// ```
pub fn init() -> Result<Telemetry, InitError> {
    for variable in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] {
        if let Ok(endpoint) = std::env::var(variable)
            && !endpoint.trim().is_empty()
        {
            return Err(InitError::OtlpUnavailable { variable, endpoint });
        }
    }
    let tracer_provider = SdkTracerProvider::builder().with_span_processor(ConsoleTreeProcessor::new()).build();
    crate::set_tracer_provider(tracer_provider.clone());
    Ok(Telemetry { tracer_provider })
}

/// Prints each trace as a tree once its root span has ended: on standard output, or on a
/// writer of your choice.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_genai::ConsoleTreeProcessor;
///
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(ConsoleTreeProcessor::to_writer(std::io::stderr()))
///     .build();
/// otel_genai::set_tracer_provider(provider.clone());
/// # let _ = provider.shutdown();
/// ```
#[derive(Default)]
pub struct ConsoleTreeProcessor {
    pending: Mutex<HashMap<TraceId, Vec<SpanData>>>,
    /// Where trees go; `None` is standard output.
    out: Mutex<Option<Box<dyn Write + Send>>>,
}

impl std::fmt::Debug for ConsoleTreeProcessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleTreeProcessor").finish_non_exhaustive()
    }
}

impl ConsoleTreeProcessor {
    /// A processor printing to standard output.
    pub fn new() -> Self {
        ConsoleTreeProcessor::default()
    }

    /// A processor writing each finished trace to `out`.
    pub fn to_writer(out: impl Write + Send + 'static) -> Self {
        ConsoleTreeProcessor { pending: Mutex::default(), out: Mutex::new(Some(Box::new(out))) }
    }

    fn print(&self, spans: Vec<SpanData>) {
        let tree = SpanTree::new(spans);
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = match out.as_mut() {
            Some(out) => write!(out, "{tree}").and_then(|()| out.flush()),
            None => {
                let mut stdout = std::io::stdout().lock();
                write!(stdout, "{tree}").and_then(|()| stdout.flush())
            }
        };
    }

    fn print_all_pending(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        for spans in pending.into_values() {
            self.print(spans);
        }
    }
}

impl SpanProcessor for ConsoleTreeProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        let trace_id = span.span_context.trace_id();
        let is_root = span.parent_span_id == SpanId::INVALID || span.parent_span_is_remote;
        let finished_trace = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.entry(trace_id).or_default().push(span);
            if is_root { pending.remove(&trace_id) } else { None }
        };
        if let Some(spans) = finished_trace {
            self.print(spans);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.print_all_pending();
        Ok(())
    }
}
