//! Attributes that every span started inside a scope carries: the conversation, the user,
//! a tenant — set once where the request comes in, not on every function.

use std::future::Future;

use opentelemetry::{Context, ContextGuard, Key, KeyValue};

use super::task::InContext;
use crate::{Attributes, ToAttributeValue};

/// The attributes a context hands to the spans started under it.
#[derive(Debug, Clone)]
pub(crate) struct ScopedAttributes(Vec<KeyValue>);

impl ScopedAttributes {
    /// Adds these attributes to a span's start attributes; what the span sets itself wins.
    pub(crate) fn apply_to(&self, attrs: &mut Attributes) {
        for kv in &self.0 {
            attrs.set_default(kv);
        }
    }
}

/// Starts a set of attributes that every span started inside it carries — across
/// `.await`s, [`spawn`](crate::spawn) and the other context helpers, and instrumented
/// streams — until the scope ends. The answer to OpenLLMetry's association properties
/// and Langfuse's `propagate_attributes`.
///
/// Scopes nest: an inner scope adds to the outer one, and its values win for the same
/// key. A span's own attributes (macro arguments, its request) win over the scope's.
/// Attribute names written with [`propagate_attributes!`](macro@crate::propagate_attributes)
/// are checked when the code compiles, like every macro argument.
///
/// ```
/// #[otel_genai::gen_ai_chat(provider = "openai", model = "gpt-4o")]
/// async fn ask(question: &str) -> String { question.to_uppercase() }
///
/// #[otel_genai::agent(name = "support")]
/// async fn support(question: &str) -> String { ask(question).await }
///
/// async fn handle(session: &str, user: &str, question: &str) -> String {
///     otel_genai::propagate_attributes()
///         .conversation_id(session)
///         .user_id(user)
///         .attribute("app.tenant", "acme")
///         .run(support(question))
///         .await
/// }
/// # let capture = otel_genai::testing::Capture::new();
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # runtime.block_on(capture.scope(handle("c-1", "u-7", "hi")));
/// # let tree = capture.tree();
/// # for span in tree.spans() {
/// #     assert_eq!(span.str_attr("gen_ai.conversation.id"), Some("c-1"));
/// #     assert_eq!(span.str_attr("user.id"), Some("u-7"));
/// #     assert_eq!(span.str_attr("app.tenant"), Some("acme"));
/// # }
/// ```
pub fn propagate_attributes() -> PropagatedAttributes {
    PropagatedAttributes { attrs: Attributes::new(crate::content::capture_enabled()) }
}

/// The builder [`propagate_attributes`] returns: set the attributes, then run code in the
/// scope with [`run`](PropagatedAttributes::run), [`in_scope`](PropagatedAttributes::in_scope)
/// or [`attach`](PropagatedAttributes::attach).
#[derive(Debug, Clone)]
#[must_use = "the attributes apply only to code run in the scope: call `run`, `in_scope` or `attach`"]
pub struct PropagatedAttributes {
    attrs: Attributes,
}

impl PropagatedAttributes {
    /// `gen_ai.conversation.id`: the conversation (session, thread) the spans belong to.
    pub fn conversation_id(self, id: impl ToAttributeValue) -> Self {
        self.attribute(crate::attr::GEN_AI_CONVERSATION_ID, id)
    }

    /// `user.id`: the user on whose behalf the work runs.
    pub fn user_id(self, id: impl ToAttributeValue) -> Self {
        self.attribute(USER_ID, id)
    }

    /// Any attribute; a later value for the same key replaces an earlier one. Names in the
    /// conventions' namespaces are checked when written with
    /// [`propagate_attributes!`](macro@crate::propagate_attributes) instead.
    pub fn attribute(mut self, key: impl Into<Key>, value: impl ToAttributeValue) -> Self {
        self.attrs.set(key, value);
        self
    }

    /// Adds attributes written by `describe` (what the checked macro form generates).
    #[doc(hidden)]
    pub fn with(mut self, describe: impl FnOnce(&mut Attributes)) -> Self {
        describe(&mut self.attrs);
        self
    }

    /// The current context with these attributes added to those of enclosing scopes.
    pub fn context(&self) -> Context {
        Context::map_current(|cx| {
            let mut merged = match cx.get::<ScopedAttributes>() {
                Some(outer) => {
                    let mut merged = Attributes::new(false);
                    for kv in &outer.0 {
                        merged.set_value(kv.key.clone(), kv.value.clone());
                    }
                    merged
                }
                None => Attributes::new(false),
            };
            for kv in self.attrs.iter() {
                merged.set_value(kv.key.clone(), kv.value.clone());
            }
            cx.with_value(ScopedAttributes(merged.into_vec()))
        })
    }

    /// `future`, run in the scope: every span it starts, on every poll, carries the
    /// attributes.
    pub fn run<F: Future>(&self, future: F) -> InContext<F> {
        InContext::new(self.context(), future)
    }

    /// Runs `f` in the scope.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _attached = self.context().attach();
        f()
    }

    /// Enters the scope on this thread until the guard is dropped. Prefer
    /// [`run`](PropagatedAttributes::run) in async code: a guard held across `.await` leaks
    /// the scope into whatever else the thread polls.
    pub fn attach(&self) -> ContextGuard {
        self.context().attach()
    }
}

/// `user.id`, from the general conventions' registry.
const USER_ID: &str = "user.id";
