//! The context follows the work: into tasks and threads, through streams, across
//! processes, with attributes that every span inside a scope carries.
//!
//! A span macro makes its span the parent of every span started while its body runs.
//! "While its body runs" is where the OpenTelemetry context is attached — the thread
//! that polls the body. Work handed elsewhere needs the context handed along:
//!
//! | where the work goes | what loses the parent | what keeps it |
//! | --- | --- | --- |
//! | a tokio task | `tokio::spawn(fut)` | [`spawn`]`(fut)` |
//! | tokio's blocking pool | `tokio::task::spawn_blocking(f)` | [`spawn_blocking`]`(f)` |
//! | a `JoinSet` | `set.spawn(fut)` | [`spawn_into`]`(&mut set, fut)` |
//! | a thread | `std::thread::spawn(f)` | [`spawn_thread`]`(f)`, [`with_current_context`]`(f)` |
//! | a channel, executor, queue | sending the future | `fut.`[`in_current_context`](crate::FutureContextExt::in_current_context)`()` |
//! | another process | the request | [`propagation`] |
//!
//! Plain `tokio::spawn` polls the future on a worker thread where no context is attached:
//! an instrumented `async fn` inside it starts a span with no parent, a new trace that
//! the agent's trace does not show.
//!
//! ```
//! #[otel_genai::tool]
//! async fn summarize(text: String) -> usize { text.len() }
//!
//! #[otel_genai::agent(name = "writer")]
//! async fn write(text: String) -> usize {
//!     let lost = tokio::spawn(summarize(text.clone()));           // a trace of its own
//!     let kept = otel_genai::spawn(summarize(text));              // a child of `writer`
//!     lost.await.unwrap() + kept.await.unwrap()
//! }
//! # let capture = otel_genai::testing::Capture::install_global();
//! # let runtime = tokio::runtime::Runtime::new().unwrap();
//! # runtime.block_on(write("abc".into()));
//! # let tree = capture.tree();
//! # assert_eq!(tree.roots().len(), 2);
//! # assert_eq!(tree.find("invoke_agent writer").unwrap().children().len(), 1);
//! ```
//!
//! Functions that return a future or a stream (rather than being `async fn`) take their
//! parent when they are called, so `tokio::spawn(search(q))` keeps it for those; an
//! `async fn` takes it when it is first polled.

pub mod propagation;
mod scoped;
mod task;

pub(crate) use self::scoped::ScopedAttributes;
pub use self::scoped::{PropagatedAttributes, propagate_attributes};
pub use self::task::{FutureContextExt, InContext, spawn_thread, with_current_context};
#[cfg(feature = "tokio")]
pub use self::task::{spawn, spawn_blocking, spawn_into};
