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
    /// The provider they were made from: call sites bind to it.
    #[cfg_attr(not(feature = "bound-instruments"), allow(dead_code))]
    pub(crate) provider: ProviderKey,
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
    /// Instruments of a provider of their own (one scoped to a context).
    pub(crate) fn new(meter: &Meter) -> Instruments {
        static SCOPED: AtomicU64 = AtomicU64::new(0);
        Instruments::with_key(meter, ProviderKey::Scoped(SCOPED.fetch_add(1, Ordering::Relaxed)))
    }

    fn with_key(meter: &Meter, provider: ProviderKey) -> Instruments {
        Instruments {
            provider,
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

    /// Instruments for the global `provider`'s meter of this crate's scope; `address` and
    /// `generation` say which provider it is.
    fn of_global(provider: &dyn MeterProvider, address: usize, generation: u64) -> Instruments {
        Instruments::with_key(&provider.meter_with_scope(scope()), ProviderKey::Global { address, generation })
    }
}

/// Which provider instruments were made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProviderKey {
    /// The global provider at this address, installed in this generation: each thread makes
    /// its own instruments of it (they share the SDK's aggregation), all with this key, so
    /// that what a call site binds on one thread serves every other.
    Global { address: usize, generation: u64 },
    /// A provider scoped to a context: one per set of instruments.
    Scoped(u64),
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
            self.instruments = records.then(|| Arc::new(Instruments::of_global(&*provider, address, generation)));
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
    fn every_instrument_has_its_unit_and_bucket_boundaries() {
        // Written out here, not read from the table the instruments are built from.
        const DURATION: &[f64] =
            &[0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
        const CALLS: &[f64] = &[0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];
        let tokens: Vec<f64> = (0..14).map(|power| 4_f64.powi(power)).collect();
        for (name, unit, buckets) in [
            (metric_names::GEN_AI_CLIENT_OPERATION_DURATION, "s", DURATION),
            (metric_names::GEN_AI_CLIENT_TOKEN_USAGE, "{token}", &tokens[..]),
            (
                metric_names::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
                "s",
                &[0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
            ),
            (
                metric_names::GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
                "s",
                &[0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
            ),
            (metric_names::GEN_AI_INVOKE_AGENT_DURATION, "s", DURATION),
            (metric_names::GEN_AI_INVOKE_AGENT_INFERENCE_CALLS, "{inference_call}", CALLS),
            (metric_names::GEN_AI_INVOKE_AGENT_TOOL_CALLS, "{tool_call}", CALLS),
            (metric_names::GEN_AI_EXECUTE_TOOL_DURATION, "s", DURATION),
            (metric_names::GEN_AI_WORKFLOW_DURATION, "s", DURATION),
            (metric_names::GEN_AI_USAGE_COST, "USD", &[0.00001, 0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0]),
            (metric_names::GEN_AI_EVALUATION_SCORE, "1", &[0.0, 0.25, 0.5, 0.75, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0]),
        ] {
            let def = conventions::metric(name).unwrap();
            assert_eq!((def.unit, def.buckets), (unit, buckets), "{name}");
        }
    }

    #[test]
    fn the_noop_provider_records_nothing() {
        assert!(global_instruments().is_none());
    }
}
