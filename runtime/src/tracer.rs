//! Where spans come from: the global provider at span time, or a provider scoped to a
//! context (how [`testing`](crate::testing) isolates tests running in parallel).

use std::sync::{Arc, OnceLock};

use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::trace::TracerProvider;
use opentelemetry::{Context, InstrumentationScope};

use crate::conventions::SCHEMA_URL;

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

/// A tracer carried in a context: spans started under that context (and every context
/// derived from it) use it instead of the global provider's.
#[derive(Clone)]
pub(crate) struct ScopedTracer(pub(crate) Arc<BoxedTracer>);

/// The tracer for a span whose parent context is `parent`.
pub(crate) fn tracer_for(parent: &Context) -> TracerRef {
    match parent.get::<ScopedTracer>() {
        Some(scoped) => TracerRef::Scoped(scoped.0.clone()),
        None => TracerRef::Global(global::tracer_provider().tracer_with_scope(scope())),
    }
}

pub(crate) enum TracerRef {
    Scoped(Arc<BoxedTracer>),
    Global(BoxedTracer),
}

impl TracerRef {
    pub(crate) fn build_with_context(
        &self,
        builder: opentelemetry::trace::SpanBuilder,
        parent: &Context,
    ) -> opentelemetry::global::BoxedSpan {
        use opentelemetry::trace::Tracer;
        match self {
            TracerRef::Scoped(tracer) => tracer.build_with_context(builder, parent),
            TracerRef::Global(tracer) => tracer.build_with_context(builder, parent),
        }
    }
}
