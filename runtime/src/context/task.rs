//! Carrying the context into tasks and threads.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_core::Stream;
use opentelemetry::Context;

/// A future or stream polled with a given OpenTelemetry context attached, so that the spans
/// it starts are children of that context's span and carry its
/// [propagated attributes](fn@crate::propagate_attributes).
///
/// Made by [`in_current_context`](FutureContextExt::in_current_context),
/// [`in_context`](FutureContextExt::in_context), [`spawn`](crate::spawn) and the other
/// spawn helpers.
#[derive(Debug)]
#[must_use = "futures and streams do nothing unless polled"]
pub struct InContext<F> {
    cx: Context,
    inner: F,
}

impl<F> InContext<F> {
    /// `inner`, polled with `cx` attached.
    pub fn new(cx: Context, inner: F) -> Self {
        InContext { cx, inner }
    }

    /// The context `inner` runs in.
    pub fn context(&self) -> &Context {
        &self.cx
    }

    fn project(self: Pin<&mut Self>) -> (&Context, Pin<&mut F>) {
        // SAFETY: `inner` is structurally pinned and never moved out; `cx` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        (&this.cx, unsafe { Pin::new_unchecked(&mut this.inner) })
    }
}

impl<F: Future> Future for InContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let (cx, inner) = self.project();
        let _attached = cx.clone().attach();
        inner.poll(task)
    }
}

impl<S: Stream> Stream for InContext<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        let (cx, inner) = self.project();
        let _attached = cx.clone().attach();
        inner.poll_next(task)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// Runs any future in a context: the current one, or one you hold.
///
/// A future keeps no context of its own: it runs in whatever context is current where it
/// is polled. A future handed to another task, an executor or a channel therefore loses
/// the span it was created under, and the spans it starts begin new traces. Wrapping it
/// keeps them where they belong.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::sync::mpsc::Sender;
///
/// use otel_genai::FutureContextExt as _;
///
/// type Job = Pin<Box<dyn Future<Output = usize> + Send>>;
///
/// #[otel_genai::tool]
/// async fn lookup(word: &'static str) -> usize { word.len() }
///
/// #[otel_genai::agent(name = "dispatcher")]
/// async fn dispatch(queue: &Sender<Job>) {
///     // Polled later by whoever drains the queue, still a child of this agent's span.
///     queue.send(Box::pin(lookup("hello").in_current_context())).unwrap();
/// }
/// # let capture = otel_genai::testing::Capture::new();
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # let (queue, jobs) = std::sync::mpsc::channel();
/// # runtime.block_on(capture.scope(dispatch(&queue)));
/// # assert_eq!(runtime.block_on(jobs.recv().unwrap()), 5);
/// # assert_eq!(capture.tree().outline(), "invoke_agent dispatcher\n  execute_tool lookup\n");
/// ```
pub trait FutureContextExt: Future + Sized {
    /// This future, polled with the context current now attached.
    fn in_current_context(self) -> InContext<Self> {
        InContext::new(Context::current(), self)
    }

    /// This future, polled with `cx` attached: for a context extracted from a request
    /// ([`propagation`](crate::propagation)) or kept from earlier.
    fn in_context(self, cx: Context) -> InContext<Self> {
        InContext::new(cx, self)
    }
}

impl<F: Future> FutureContextExt for F {}

/// `f`, made to run in the context current now, wherever it is called later: for thread
/// pools, `std::thread::Builder`, scoped threads and callbacks.
///
/// ```
/// #[otel_genai::tool]
/// fn tokenize(text: &str) -> usize { text.split_whitespace().count() }
///
/// #[otel_genai::agent(name = "indexer")]
/// fn index(text: String) -> usize {
///     let job = otel_genai::with_current_context(move || tokenize(&text));
///     std::thread::scope(|scope| scope.spawn(job).join().unwrap())
/// }
/// # let capture = otel_genai::testing::Capture::new();
/// # assert_eq!(capture.in_scope(|| index("a b c".into())), 3);
/// # assert_eq!(capture.tree().outline(), "invoke_agent indexer\n  execute_tool tokenize\n");
/// ```
pub fn with_current_context<R>(f: impl FnOnce() -> R) -> impl FnOnce() -> R {
    let cx = Context::current();
    move || {
        let _attached = cx.attach();
        f()
    }
}

/// Starts a thread that runs `f` in the context current now, like
/// [`std::thread::spawn`].
///
/// ```
/// #[otel_genai::tool]
/// fn checksum(data: Vec<u8>) -> u32 { data.iter().map(|b| u32::from(*b)).sum() }
///
/// #[otel_genai::agent(name = "verifier")]
/// fn verify(data: Vec<u8>) -> u32 {
///     otel_genai::spawn_thread(move || checksum(data)).join().unwrap()
/// }
/// # let capture = otel_genai::testing::Capture::new();
/// # assert_eq!(capture.in_scope(|| verify(vec![1, 2])), 3);
/// # assert_eq!(capture.tree().outline(), "invoke_agent verifier\n  execute_tool checksum\n");
/// ```
pub fn spawn_thread<F, R>(f: F) -> std::thread::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    std::thread::spawn(with_current_context(f))
}

#[cfg(feature = "tokio")]
pub use self::tokio_tasks::{spawn, spawn_blocking, spawn_into};

#[cfg(feature = "tokio")]
mod tokio_tasks {
    use std::future::Future;

    use tokio::task::{AbortHandle, JoinHandle, JoinSet};

    use super::{FutureContextExt as _, with_current_context};

    /// Spawns a tokio task that runs in the context current now, like [`tokio::spawn`].
    ///
    /// Plain `tokio::spawn` runs the task in no context at all: an instrumented call inside
    /// it starts a new trace, and the agent that spawned it shows nothing of that work.
    ///
    /// ```
    /// #[otel_genai::tool]
    /// async fn fetch(url: String) -> usize { url.len() }
    ///
    /// #[otel_genai::agent(name = "crawler")]
    /// async fn crawl() -> usize {
    ///     // `tokio::spawn(fetch(..))` would make `execute_tool fetch` a trace of its own.
    ///     let task = otel_genai::spawn(fetch("https://example.com".into()));
    ///     task.await.unwrap()
    /// }
    /// # let capture = otel_genai::testing::Capture::new();
    /// # let runtime = tokio::runtime::Runtime::new().unwrap();
    /// # runtime.block_on(capture.scope(crawl()));
    /// # assert_eq!(capture.tree().outline(), "invoke_agent crawler\n  execute_tool fetch\n");
    /// ```
    #[track_caller]
    pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(future.in_current_context())
    }

    /// Runs `f` on tokio's blocking thread pool in the context current now, like
    /// [`tokio::task::spawn_blocking`].
    ///
    /// ```
    /// #[otel_genai::tool]
    /// fn parse(text: String) -> usize { text.lines().count() }
    ///
    /// #[otel_genai::agent(name = "reader")]
    /// async fn read(text: String) -> usize {
    ///     otel_genai::spawn_blocking(move || parse(text)).await.unwrap()
    /// }
    /// # let capture = otel_genai::testing::Capture::new();
    /// # let runtime = tokio::runtime::Runtime::new().unwrap();
    /// # runtime.block_on(capture.scope(read("a\nb".into())));
    /// # assert_eq!(capture.tree().outline(), "invoke_agent reader\n  execute_tool parse\n");
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        tokio::task::spawn_blocking(with_current_context(f))
    }

    /// Spawns `future` into `set` to run in the context current now, like
    /// [`JoinSet::spawn`].
    ///
    /// ```
    /// #[otel_genai::tool]
    /// async fn score(doc: u32) -> u32 { doc * 2 }
    ///
    /// #[otel_genai::agent(name = "ranker")]
    /// async fn rank(docs: Vec<u32>) -> u32 {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     for doc in docs {
    ///         otel_genai::spawn_into(&mut set, score(doc));
    ///     }
    ///     set.join_all().await.into_iter().sum()
    /// }
    /// # let capture = otel_genai::testing::Capture::new();
    /// # let runtime = tokio::runtime::Runtime::new().unwrap();
    /// # assert_eq!(runtime.block_on(capture.scope(rank(vec![1, 2]))), 6);
    /// # assert_eq!(capture.tree().root().children().len(), 2);
    /// ```
    #[track_caller]
    pub fn spawn_into<F>(set: &mut JoinSet<F::Output>, future: F) -> AbortHandle
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        set.spawn(future.in_current_context())
    }
}
