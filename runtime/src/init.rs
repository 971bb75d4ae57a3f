//! One-line setup: `let _telemetry = otel_genai::init()?;`.

use std::collections::HashMap;
use std::io::Write as _;
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
    let tracer_provider = SdkTracerProvider::builder().with_span_processor(ConsoleTreeProcessor::default()).build();
    crate::set_tracer_provider(tracer_provider.clone());
    Ok(Telemetry { tracer_provider })
}

/// Prints each trace as a tree on standard output once its root span has ended.
#[derive(Debug, Default)]
pub struct ConsoleTreeProcessor {
    pending: Mutex<HashMap<TraceId, Vec<SpanData>>>,
}

impl ConsoleTreeProcessor {
    fn print(spans: Vec<SpanData>) {
        let tree = SpanTree::new(spans);
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{tree}");
        let _ = out.flush();
    }

    fn print_all_pending(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        for spans in pending.into_values() {
            Self::print(spans);
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
            Self::print(spans);
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
