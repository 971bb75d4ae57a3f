//! Where spans come from: the global provider (its tracer cached per thread), or a
//! provider scoped to a context (how [`testing`](crate::testing) isolates tests running in
//! parallel).
//!
//! Fetching a tracer from the global provider takes a lock, two reference counts and an
//! allocation: a tenth of a span's cost. So each thread keeps the tracer it fetched, and
//! fetches again when [`set_tracer_provider`] installed another provider, when the kept one
//! turned out to be the no-op provider or shut down, and in any case every
//! [`REFRESH_EVERY`] spans, so that a provider installed straight through
//! `opentelemetry::global` is picked up as well.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use opentelemetry::global::{self, BoxedSpan, BoxedTracer};
use opentelemetry::trace::{SpanBuilder, Tracer, TracerProvider};
use opentelemetry::{Context, InstrumentationScope};

use crate::conventions::SCHEMA_URL;
use crate::signals::metrics::{Instruments, KeptInstruments};

/// How many spans a thread starts with a kept tracer before fetching it again.
pub const REFRESH_EVERY: u32 = 128;

/// The instrumentation scope of every span: `otel-genai`, this crate's version, and the
/// schema URL of the pinned conventions.
pub fn scope() -> InstrumentationScope {
    static SCOPE: OnceLock<InstrumentationScope> = OnceLock::new();
    SCOPE
        .get_or_init(|| {
            InstrumentationScope::builder("otel-genai")
                .with_version(env!("CARGO_PKG_VERSION"))
                .with_schema_url(SCHEMA_URL)
                .build()
        })
        .clone()
}

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Installs `provider` as the global tracer provider, like
/// `opentelemetry::global::set_tracer_provider`, and has every thread use it from its
/// next span on.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
///
/// let provider = SdkTracerProvider::builder().build();
/// otel_genai::set_tracer_provider(provider.clone());
/// # let _ = provider.shutdown();
/// ```
pub fn set_tracer_provider<P, T, S>(provider: P)
where
    S: opentelemetry::trace::Span + Send + Sync + 'static,
    T: Tracer<Span = S> + Send + Sync + 'static,
    P: TracerProvider<Tracer = T> + Send + Sync + 'static,
{
    global::set_tracer_provider(provider);
    GENERATION.fetch_add(1, Ordering::Release);
}

/// A tracer, instruments and logger carried in a context: spans started under that context (and
/// every context derived from it) use them instead of the global providers'.
#[derive(Clone)]
pub(crate) struct ScopedSignals {
    pub(crate) tracer: Arc<BoxedTracer>,
    pub(crate) instruments: Option<Arc<Instruments>>,
    pub(crate) logger: Option<opentelemetry_sdk::logs::SdkLogger>,
}

/// Where a span's signals go, and the context it is a child of.
pub(crate) struct Sources {
    /// `None` when no tracer records.
    pub(crate) tracer: Option<SpanSource>,
    /// `None` when no meter records.
    pub(crate) instruments: Option<Arc<Instruments>>,
    pub(crate) parent: Context,
}

impl Sources {
    /// The sources of a span started now, or `None` when nothing records. A `client` call
    /// also records when only a logger provider is set: its failures and details are events.
    #[inline]
    pub(crate) fn current(client: bool) -> Option<Sources> {
        Context::map_current(|cx| {
            let (tracer, instruments) = match cx.get::<ScopedSignals>() {
                Some(scoped) => (Some(SpanSource::Scoped(scoped.tracer.clone())), scoped.instruments.clone()),
                None => {
                    let (tracer, instruments) = global_sources();
                    (tracer.map(|(tracer, fresh)| SpanSource::Global { tracer, fresh }), instruments)
                }
            };
            let records = tracer.is_some() || instruments.is_some() || (client && crate::signals::events::logger_set());
            records.then(|| Sources { tracer, instruments, parent: cx.clone() })
        })
    }
}

/// The tracer a span is started with.
pub(crate) enum SpanSource {
    Scoped(Arc<BoxedTracer>),
    /// The kept tracer of the global provider; `fresh` on its first span since fetched.
    Global {
        tracer: Rc<BoxedTracer>,
        fresh: bool,
    },
}

impl SpanSource {
    /// The tracer for a span that is a child of `parent`.
    #[inline]
    pub(crate) fn for_context(parent: &Context) -> Option<SpanSource> {
        match parent.get::<ScopedSignals>() {
            Some(scoped) => Some(SpanSource::Scoped(scoped.tracer.clone())),
            None => SpanSource::global(),
        }
    }

    /// The global provider's tracer, unless this thread knows it records nothing.
    #[inline]
    fn global() -> Option<SpanSource> {
        global_tracer().map(|(tracer, fresh)| SpanSource::Global { tracer, fresh })
    }

    /// Whether this is the first span of a freshly fetched global tracer.
    pub(crate) fn is_fresh(&self) -> bool {
        matches!(self, SpanSource::Global { fresh: true, .. })
    }

    /// This source, its span the first of a freshly fetched tracer when `fresh`: a span
    /// started later than it was prepared still tells whether the provider records.
    pub(crate) fn freshened(mut self, was_fresh: bool) -> SpanSource {
        if let SpanSource::Global { fresh, .. } = &mut self {
            *fresh |= was_fresh;
        }
        self
    }

    #[inline]
    pub(crate) fn build(&self, builder: SpanBuilder, parent: &Context) -> BoxedSpan {
        match self {
            SpanSource::Scoped(tracer) => tracer.build_with_context(builder, parent),
            SpanSource::Global { tracer, fresh } => {
                let span = tracer.build_with_context(builder, parent);
                // The first span of a freshly fetched tracer tells whether the provider
                // records anything: a span with no valid context is the no-op provider's
                // (or a shut-down one's). Then skip the work until the next fetch.
                if *fresh
                    && !opentelemetry::trace::Span::span_context(&span).is_valid()
                    && !parent.is_telemetry_suppressed()
                {
                    let _ = KEPT.try_with(|kept| kept.borrow_mut().records = false);
                }
                span
            }
        }
    }
}

struct Kept {
    tracer: Option<Rc<BoxedTracer>>,
    generation: u64,
    spans_left: u32,
    records: bool,
    /// The meter's instruments, kept in the same place: one thread-local access a span.
    meter: KeptInstruments,
}

thread_local! {
    static KEPT: RefCell<Kept> = const {
        RefCell::new(Kept { tracer: None, generation: 0, spans_left: 0, records: true, meter: KeptInstruments::new() })
    };
}

fn fetch() -> BoxedTracer {
    global::tracer_provider().tracer_with_scope(scope())
}

/// A thread's kept tracer (and whether it was fetched just now) and its instruments.
pub(crate) type GlobalSources = (Option<(Rc<BoxedTracer>, bool)>, Option<Arc<Instruments>>);

/// This thread's kept tracer (and whether it was fetched just now), unless it records
/// nothing, and its instruments, unless the meter records nothing.
#[inline]
pub(crate) fn global_sources() -> GlobalSources {
    KEPT.try_with(|kept| {
        let mut kept = kept.borrow_mut();
        (kept_tracer(&mut kept), kept.meter.get())
    })
    // During thread teardown the kept tracer is gone: fetch one for this span.
    .unwrap_or_else(|_| (Some((Rc::new(fetch()), false)), None))
}

/// The kept tracer for one more span, fetched again when the provider changed or after
/// [`REFRESH_EVERY`] spans.
#[inline]
fn kept_tracer(kept: &mut Kept) -> Option<(Rc<BoxedTracer>, bool)> {
    let generation = GENERATION.load(Ordering::Acquire);
    let fresh = kept.tracer.is_none() || kept.generation != generation || kept.spans_left == 0;
    if fresh {
        kept.tracer = Some(Rc::new(fetch()));
        kept.generation = generation;
        kept.spans_left = REFRESH_EVERY;
        kept.records = true;
    }
    kept.spans_left -= 1;
    if kept.records { kept.tracer.clone().map(|tracer| (tracer, fresh)) } else { None }
}

/// This thread's kept tracer, and whether it was fetched just now.
#[inline]
fn global_tracer() -> Option<(Rc<BoxedTracer>, bool)> {
    KEPT.try_with(|kept| kept_tracer(&mut kept.borrow_mut())).unwrap_or_else(|_| Some((Rc::new(fetch()), false)))
}
