//! `reasoning!("plan ready", steps = plan.len())`: an event on the current span, its
//! attribute names checked like every other.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
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
    let mut errors = Errors::default();
    let attrs = Ident::new("__otel_genai_attrs", Span::mixed_site());
    let mut sets = Vec::new();
    for (index, entry) in args.entries.iter().enumerate() {
        let name = &entry.key.name;
        if args.entries[..index].iter().any(|earlier| &earlier.key.name == name) {
            errors.spanned(&entry.key.tokens, format_args!("duplicate attribute `{name}`"));
            continue;
        }
        let Some(key) = check_key(name, &entry.key.tokens, Place::Event, &mut errors) else { continue };
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
    if let Err(error) = errors.finish() {
        return error.to_compile_error();
    }
    let name = &args.name;
    if cfg!(feature = "off") {
        let values = args.entries.iter().map(|entry| value_ref(&entry.value));
        return quote! { { let _ = || { let _ = &(#name); #(let _ = #values;)* }; } };
    }
    quote! {
        ::otel_genai::__private::record_event(#name, |#attrs: &mut ::otel_genai::Attributes| { #(#sets)* })
    }
}
