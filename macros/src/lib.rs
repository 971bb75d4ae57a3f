//! Attribute macros of [`otel-genai`](https://docs.rs/otel-genai): OpenTelemetry GenAI
//! spans by annotation. Use them through the `otel-genai` crate, which re-exports them
//! and holds the runtime their expansion calls.

mod args;
mod conventions;
#[cfg(test)]
mod conventions_tests;
mod ctxt;
mod derive;
mod event;
mod expand;
mod item;
mod keys;
mod shape;
mod suggest;
mod valid;

use proc_macro::TokenStream;

use crate::args::RawArgs;
use crate::ctxt::{Errors, fallback};
use crate::derive::Describes;
use crate::item::Item;
use crate::valid::MacroKind;

/// A span for a call to a GenAI model: `chat {model}`, kind CLIENT.
///
/// See the `otel-genai` crate for the arguments and examples.
#[proc_macro_attribute]
pub fn gen_ai_chat(args: TokenStream, item: TokenStream) -> TokenStream {
    span_macro(MacroKind::Chat, args, item)
}

/// A span for an embeddings request: `embeddings {model}`, kind CLIENT.
#[proc_macro_attribute]
pub fn embeddings(args: TokenStream, item: TokenStream) -> TokenStream {
    span_macro(MacroKind::Embeddings, args, item)
}

/// A span for a retrieval from a vector store or search system: `retrieval {data_source}`,
/// kind CLIENT.
#[proc_macro_attribute]
pub fn retrieval(args: TokenStream, item: TokenStream) -> TokenStream {
    span_macro(MacroKind::Retrieval, args, item)
}

/// A span for an agent run: `invoke_agent {name}`, kind INTERNAL (CLIENT with `remote`).
#[proc_macro_attribute]
pub fn agent(args: TokenStream, item: TokenStream) -> TokenStream {
    span_macro(MacroKind::Agent, args, item)
}

/// A span for a workflow run: `invoke_workflow {name}`, kind INTERNAL.
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    span_macro(MacroKind::Workflow, args, item)
}

/// A span for a tool call: `execute_tool {name}`, kind INTERNAL.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, item: TokenStream) -> TokenStream {
    span_macro(MacroKind::Tool, args, item)
}

/// Implements `GenAiRequest`: the struct's fields become start attributes.
///
/// See the `otel-genai` crate for the field options and examples.
#[proc_macro_derive(GenAiRequest, attributes(gen_ai))]
pub fn derive_gen_ai_request(input: TokenStream) -> TokenStream {
    derive::derive(Describes::Request, input.into()).into()
}

/// Implements `GenAiResponse`: the struct's fields become response attributes.
///
/// See the `otel-genai` crate for the field options and examples.
#[proc_macro_derive(GenAiResponse, attributes(gen_ai))]
pub fn derive_gen_ai_response(input: TokenStream) -> TokenStream {
    derive::derive(Describes::Response, input.into()).into()
}

/// Records an event on the current span: `reasoning!("plan ready", steps = plan.len())`.
///
/// See the `otel-genai` crate for examples.
#[proc_macro]
pub fn reasoning(input: TokenStream) -> TokenStream {
    event::reasoning(input.into()).into()
}

/// A scope whose attributes every span started inside it carries, the names checked:
/// `propagate_attributes!(gen_ai.conversation.id = session, user.id = user)`.
///
/// See the `otel-genai` crate for examples.
#[proc_macro]
pub fn propagate_attributes(input: TokenStream) -> TokenStream {
    event::propagate_attributes(input.into()).into()
}

fn span_macro(kind: MacroKind, args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let mut errors = Errors::default();
    let raw_args = match syn::parse::<RawArgs>(args) {
        Ok(raw_args) => Some(raw_args),
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let function = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Function(function)) => function,
        Ok(Item::BodylessFunction(sig)) => {
            let error = syn::Error::new(
                sig.ident.span(),
                format_args!(
                    "`#[{}]` needs a function body: on a trait method declaration there is nothing to instrument; put the attribute on the method in each `impl` instead",
                    kind.macro_name()
                ),
            );
            return fallback(errors.finish_with(error), item).into();
        }
        Ok(Item::Other(span, what)) => {
            let error = syn::Error::new(
                span,
                format_args!("`#[{}]` goes on a function or method, not on {what}", kind.macro_name()),
            );
            return fallback(errors.finish_with(error), item).into();
        }
        Err(error) => return fallback(errors.finish_with(error), item).into(),
    };
    let Some(raw_args) = raw_args else {
        return fallback(errors.finish().err().unwrap_or_else(|| unreachable!()), item).into();
    };
    let args = valid::validate(kind, raw_args, &function, &mut errors);
    let shape = shape::shape(&function, kind.macro_name()).map_err(|error| errors.push(error)).ok();
    match (errors.finish(), shape) {
        (Ok(()), Some(shape)) => expand::expand(function, args, shape).into(),
        (Ok(()), None) => unreachable!("a shape error is in `errors`"),
        (Err(error), _) => fallback(error, item).into(),
    }
}
