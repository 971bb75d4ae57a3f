//! The metrics every span macro records, with instruments made from the conventions table
//! (names, units, descriptions and bucket boundaries), from the global meter provider.
//!
//! Like the tracer, each thread keeps the instruments it made and looks at the global
//! provider again when [`set_meter_provider`] installs one, and every
//! [`REFRESH_EVERY`](crate::REFRESH_EVERY) spans; it makes new instruments only when the
//! provider changed. A provider with no state at all (the no-op provider the global starts
//! with) records nothing, and then no metric work is done.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::global;
use opentelemetry::metrics::{Histogram, HistogramBuilder, Meter, MeterProvider};

use crate::REFRESH_EVERY;
use crate::conventions::{self, metric_names};
use crate::span::tracer::scope;

/// The histograms the span macros record into.
#[derive(Debug)]
pub(crate) struct Instruments {
    pub(crate) client_duration: Histogram<f64>,
    pub(crate) token_usage: Histogram<u64>,
    pub(crate) time_to_first_chunk: Histogram<f64>,
    pub(crate) time_per_output_chunk: Histogram<f64>,
    pub(crate) agent_duration: Histogram<f64>,
    pub(crate) inference_calls: Histogram<u64>,
    pub(crate) tool_calls: Histogram<u64>,
    pub(crate) tool_duration: Histogram<f64>,
    pub(crate) workflow_duration: Histogram<f64>,
    pub(crate) cost: Histogram<f64>,
    pub(crate) evaluation_score: Histogram<f64>,
}

impl Instruments {
    pub(crate) fn new(meter: &Meter) -> Instruments {
        Instruments {
            client_duration: f64_histogram(meter, metric_names::GEN_AI_CLIENT_OPERATION_DURATION),
            token_usage: u64_histogram(meter, metric_names::GEN_AI_CLIENT_TOKEN_USAGE),
            time_to_first_chunk: f64_histogram(meter, metric_names::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK),
            time_per_output_chunk: f64_histogram(meter, metric_names::GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK),
            agent_duration: f64_histogram(meter, metric_names::GEN_AI_INVOKE_AGENT_DURATION),
            inference_calls: u64_histogram(meter, metric_names::GEN_AI_INVOKE_AGENT_INFERENCE_CALLS),
            tool_calls: u64_histogram(meter, metric_names::GEN_AI_INVOKE_AGENT_TOOL_CALLS),
            tool_duration: f64_histogram(meter, metric_names::GEN_AI_EXECUTE_TOOL_DURATION),
            workflow_duration: f64_histogram(meter, metric_names::GEN_AI_WORKFLOW_DURATION),
            cost: f64_histogram(meter, metric_names::GEN_AI_USAGE_COST),
            evaluation_score: f64_histogram(meter, metric_names::GEN_AI_EVALUATION_SCORE),
        }
    }

    /// Instruments for `provider`'s meter of this crate's scope.
    pub(crate) fn of(provider: &dyn MeterProvider) -> Instruments {
        Instruments::new(&provider.meter_with_scope(scope()))
    }
}

fn f64_histogram(meter: &Meter, name: &'static str) -> Histogram<f64> {
    defined(meter.f64_histogram(name), name).build()
}

fn u64_histogram(meter: &Meter, name: &'static str) -> Histogram<u64> {
    defined(meter.u64_histogram(name), name).build()
}

/// The histogram as the conventions table defines `name`: unit, description, buckets.
fn defined<'a, T>(builder: HistogramBuilder<'a, T>, name: &str) -> HistogramBuilder<'a, T> {
    match conventions::metric(name) {
        Some(def) => builder.with_unit(def.unit).with_description(def.brief).with_boundaries(def.buckets.to_vec()),
        None => builder,
    }
}

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Installs `provider` as the global meter provider, like
/// `opentelemetry::global::set_meter_provider`, and has every thread record into it from
/// its next span on.
///
/// ```
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
///
/// let provider = SdkMeterProvider::builder().build();
/// otel_genai::set_meter_provider(provider.clone());
/// # let _ = provider.shutdown();
/// ```
pub fn set_meter_provider<P>(provider: P)
where
    P: MeterProvider + Send + Sync + 'static,
{
    global::set_meter_provider(provider);
    GENERATION.fetch_add(1, Ordering::Release);
}

/// A thread's instruments of the global meter provider, kept beside its tracer.
#[derive(Debug)]
pub(crate) struct KeptInstruments {
    /// The provider the instruments were made from (compared by address only).
    provider: usize,
    instruments: Option<Arc<Instruments>>,
    generation: u64,
    spans_left: u32,
}

impl KeptInstruments {
    pub(crate) const fn new() -> KeptInstruments {
        KeptInstruments { provider: 0, instruments: None, generation: u64::MAX, spans_left: 0 }
    }

    /// The instruments, or `None` when the global provider records nothing.
    #[inline]
    pub(crate) fn get(&mut self) -> Option<Arc<Instruments>> {
        let generation = GENERATION.load(Ordering::Acquire);
        if self.generation != generation || self.spans_left == 0 {
            self.refresh(generation);
        }
        self.spans_left -= 1;
        self.instruments.clone()
    }

    #[cold]
    fn refresh(&mut self, generation: u64) {
        let provider = global::meter_provider();
        let address = Arc::as_ptr(&provider).cast::<()>() as usize;
        if address != self.provider || self.generation != generation {
            // A provider without any state cannot record: the no-op provider.
            let records = std::mem::size_of_val(&*provider) != 0;
            self.instruments = records.then(|| Arc::new(Instruments::of(&*provider)));
            self.provider = address;
        }
        self.generation = generation;
        self.spans_left = REFRESH_EVERY;
    }
}

/// This thread's instruments of the global meter provider, or `None` when it records nothing.
pub(crate) fn global_instruments() -> Option<Arc<Instruments>> {
    crate::span::tracer::global_sources().1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instrument_has_its_definition() {
        for name in [
            metric_names::GEN_AI_CLIENT_OPERATION_DURATION,
            metric_names::GEN_AI_CLIENT_TOKEN_USAGE,
            metric_names::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
            metric_names::GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
            metric_names::GEN_AI_INVOKE_AGENT_DURATION,
            metric_names::GEN_AI_INVOKE_AGENT_INFERENCE_CALLS,
            metric_names::GEN_AI_INVOKE_AGENT_TOOL_CALLS,
            metric_names::GEN_AI_EXECUTE_TOOL_DURATION,
            metric_names::GEN_AI_WORKFLOW_DURATION,
            metric_names::GEN_AI_USAGE_COST,
            metric_names::GEN_AI_EVALUATION_SCORE,
        ] {
            let def = conventions::metric(name).unwrap();
            assert!(!def.buckets.is_empty(), "{name} has bucket boundaries");
        }
    }

    #[test]
    fn the_noop_provider_records_nothing() {
        assert!(global_instruments().is_none());
    }
}
