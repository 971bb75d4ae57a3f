//! Test your own agents: capture the spans the macros produce, in memory, and assert on
//! the tree they form.
//!
//! A [`Capture`] owns a real OpenTelemetry SDK tracer provider whose spans go to an
//! in-memory exporter as each one ends. Spans are routed to it through the context, not
//! through the global provider, so tests running in parallel in one process each see
//! only their own spans.
//!
//! ```
//! use otel_genai::testing::Capture;
//! use otel_genai::tool;
//!
//! /// Adds two numbers.
//! #[tool]
//! fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! let capture = Capture::new();
//! assert_eq!(capture.in_scope(|| add(2, 3)), 5);
//!
//! let tree = capture.tree();
//! let span = tree.root();
//! assert_eq!(span.name(), "execute_tool add");
//! assert_eq!(span.str_attr("gen_ai.tool.description"), Some("Adds two numbers."));
//! ```
//!
//! Async code runs under the capture with [`Capture::scope`]:
//!
//! ```
//! # use otel_genai::testing::Capture;
//! #[otel_genai::agent(name = "greeter")]
//! async fn greet(who: &str) -> String {
//!     format!("hello {who}")
//! }
//!
//! # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # runtime.block_on(async {
//! let capture = Capture::new();
//! capture.scope(greet("ada")).await;
//! assert_eq!(capture.tree().outline(), "invoke_agent greeter\n");
//! # });
//! ```

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry::Context;
use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::global::BoxedTracer;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

use crate::SpanTree;
use crate::span::tracer::{ScopedTracer, scope};

/// Spans captured in memory from a real SDK tracer provider.
#[derive(Debug)]
pub struct Capture {
    provider: SdkTracerProvider,
    finished: Arc<Mutex<Vec<SpanData>>>,
    cx: Context,
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

impl Capture {
    /// A capture that receives the spans started under its [`context`](Capture::context),
    /// and only those.
    pub fn new() -> Capture {
        let (provider, finished) = in_memory_provider();
        let tracer = BoxedTracer::new(Box::new(provider.tracer_with_scope(scope())));
        let cx = Context::new().with_value(ScopedTracer(Arc::new(tracer)));
        Capture { provider, finished, cx }
    }

    /// A capture installed as the global tracer provider: it receives every span started
    /// anywhere in the process, from any context. Tests using it must not run in
    /// parallel with other tests that install a global provider.
    pub fn install_global() -> Capture {
        let (provider, finished) = in_memory_provider();
        crate::set_tracer_provider(provider.clone());
        Capture { provider, finished, cx: Context::new() }
    }

    /// The context under which spans go to this capture. Contexts derived from it (the
    /// spans' own) carry that along, so all descendants are captured too.
    pub fn context(&self) -> Context {
        self.cx.clone()
    }

    /// Runs `f` under this capture's context.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _attached = self.cx.clone().attach();
        f()
    }

    /// `future`, running under this capture's context on every poll.
    pub fn scope<F: Future>(&self, future: F) -> WithContext<F> {
        future.with_context(self.cx.clone())
    }

    /// The spans that have ended so far, in the order they ended.
    pub fn spans(&self) -> Vec<SpanData> {
        let _ = self.provider.force_flush();
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The spans that have ended so far, as a tree.
    pub fn tree(&self) -> SpanTree {
        SpanTree::new(self.spans())
    }

    /// Forgets the spans captured so far.
    pub fn clear(&self) {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

fn in_memory_provider() -> (SdkTracerProvider, Arc<Mutex<Vec<SpanData>>>) {
    let finished = Arc::new(Mutex::new(Vec::new()));
    let exporter = MemoryExporter { finished: finished.clone() };
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter).build();
    (provider, finished)
}

#[derive(Debug)]
struct MemoryExporter {
    finished: Arc<Mutex<Vec<SpanData>>>,
}

impl SpanExporter for MemoryExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).extend(batch);
        Ok(())
    }
}
