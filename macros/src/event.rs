//! Attribute lists written in a function-like macro, their names checked like every
//! other: `reasoning!("plan ready", steps = plan.len())`, an event on the current span, and
//! `propagate_attributes!(user.id = user)`, attributes for every span started in a scope.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Token};

use crate::args::AttributeEntry;
use crate::ctxt::Errors;
use crate::keys::{Place, check_key, check_literal, value_ref};

struct EventArgs {
    name: Expr,
    entries: Vec<AttributeEntry>,
}

impl Parse for EventArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error("`reasoning!` needs an event name: `reasoning!(\"plan ready\", steps = 3)`"));
        }
        let name = input.parse()?;
        let entries = if input.is_empty() {
            Vec::new()
        } else {
            input.parse::<Token![,]>()?;
            Punctuated::<AttributeEntry, Token![,]>::parse_terminated(input)?.into_iter().collect()
        };
        Ok(EventArgs { name, entries })
    }
}

pub(crate) fn reasoning(input: TokenStream) -> TokenStream {
    let args = match syn::parse2::<EventArgs>(input) {
        Ok(args) => args,
        Err(error) => return error.to_compile_error(),
    };
    let attrs = Ident::new("__otel_genai_attrs", Span::mixed_site());
    let sets = match checked_sets(&args.entries, Place::Event, &attrs) {
        Ok(sets) => sets,
        Err(error) => return error,
    };
    let name = &args.name;
    if cfg!(feature = "off") {
        let values = args.entries.iter().map(|entry| value_ref(&entry.value));
        return quote! { { let _ = || { let _ = &(#name); #(let _ = #values;)* }; } };
    }
    quote! {
        ::otel_genai::__private::record_event(#name, |#attrs: &mut ::otel_genai::Attributes| { #(#sets)* })
    }
}

/// `propagate_attributes!(gen_ai.conversation.id = session, app.tenant = tenant)`: the
/// builder of `otel_genai::propagate_attributes()`, with these attributes set.
pub(crate) fn propagate_attributes(input: TokenStream) -> TokenStream {
    let entries = match Punctuated::<AttributeEntry, Token![,]>::parse_terminated.parse2(input) {
        Ok(entries) => entries.into_iter().collect::<Vec<_>>(),
        Err(error) => return error.to_compile_error(),
    };
    let attrs = Ident::new("__otel_genai_attrs", Span::mixed_site());
    match checked_sets(&entries, Place::SpanStart, &attrs) {
        Ok(sets) => quote! {
            ::otel_genai::propagate_attributes().with(|#attrs: &mut ::otel_genai::Attributes| { #(#sets)* })
        },
        // Still an expression of the builder's type, so that one mistake is reported once.
        Err(error) => quote! {{ #error ::otel_genai::propagate_attributes() }},
    }
}

/// One typed set for each entry, or the errors of all of them.
fn checked_sets(entries: &[AttributeEntry], place: Place, attrs: &Ident) -> Result<Vec<TokenStream>, TokenStream> {
    let mut errors = Errors::default();
    let mut sets = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let name = &entry.key.name;
        if entries[..index].iter().any(|earlier| &earlier.key.name == name) {
            errors.spanned(&entry.key.tokens, format_args!("duplicate attribute `{name}`"));
            continue;
        }
        if !entry.key.check_namespace(&mut errors) {
            continue;
        }
        let Some(key) = check_key(name, &entry.key.tokens, place, &mut errors) else { continue };
        check_literal(&key, &entry.value, &mut errors);
        let method = Ident::new(key.setter.method(), Span::call_site());
        let value = value_ref(&entry.value);
        let set = quote! { #attrs.#method(#name, #value); };
        sets.push(if key.content {
            quote! { if #attrs.capture_content() { #set } }
        } else {
            set
        });
    }
    errors.finish().map(|()| sets).map_err(|error| error.to_compile_error())
}
