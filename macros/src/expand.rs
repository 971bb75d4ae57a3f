//! Code generation: the function keeps its signature and attributes; its body runs inside
//! a span the runtime starts, attaches and ends.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Ident, ReturnType, Type};

use crate::item::Function;
use crate::keys::{Setter, value_ref};
use crate::valid::{AttrValue, SpanArgs, StartAttribute, string_literal};

pub(crate) fn expand(function: Function, args: SpanArgs) -> TokenStream {
    if cfg!(feature = "off") {
        return compiled_away(function, args);
    }
    let Function { attrs, vis, sig, body } = function;
    let name = static_name(&args);
    // The operation name, the macro's own attributes, and room for a request's.
    let capacity = 1 + args.attributes.len() + if args.request.is_some() { 8 } else { 0 };
    let SpanArgs { kind: _, krate, operation, client, request, attributes } = args;
    let private = quote!(#krate::__private);

    // Our own bindings live in the mixed-site context: the user's body cannot see them.
    let span = Ident::new("__otel_genai_span", Span::mixed_site());
    let describe = Ident::new("__otel_genai_attrs", Span::mixed_site());
    let output = Ident::new("__otel_genai_output", Span::mixed_site());

    let operation = Ident::new(&camel_case(operation), Span::call_site());
    let kind = Ident::new(if client { "Client" } else { "Internal" }, Span::call_site());
    let record_request = request.as_ref().map(|request| {
        quote_spanned! {request_span(request)=>
            #private::record_request(#describe, &(#request));
        }
    });
    // Without a request every key is new: write the literal strings in one go.
    let (literals, attributes): (Vec<_>, Vec<_>) = attributes
        .into_iter()
        .partition(|attribute| request.is_none() && !attribute.key.content && literal_text(attribute).is_some());
    let literals = (!literals.is_empty()).then(|| {
        let pairs = literals.iter().map(|attribute| {
            let (name, text) = (&attribute.key.name, literal_text(attribute));
            quote!((#name, #text))
        });
        quote! { #describe.extend_static(&[#(#pairs),*]); }
    });
    let sets = attributes.iter().map(|attribute| {
        let StartAttribute { key, value } = attribute;
        let name = &key.name;
        let static_key = quote!(#private::Key::from_static_str(#name));
        let method = Ident::new(key.setter.method(), Span::call_site());
        let set = match (literal_text(attribute), value) {
            (Some(text), _) => quote! { #describe.set_static(#name, #text); },
            (None, AttrValue::Expr(expr)) => {
                let value = value_ref(expr);
                quote! { #describe.#method(#static_key, #value); }
            }
            (None, AttrValue::Str(text, at)) => quote_spanned! {*at=> #describe.#method(#static_key, #text); },
            (None, AttrValue::Int(number, at)) => quote_spanned! {*at=> #describe.#method(#static_key, &#number); },
        };
        if key.content {
            quote! { if #describe.capture_content() { #set } }
        } else {
            set
        }
    });
    let start = quote! {
        let mut #span = #private::SpanGuard::start(
            #private::Operation::#operation,
            #private::SpanKind::#kind,
            #name,
            #capacity,
            |#describe: &mut #private::Attributes| {
                #record_request
                #literals
                #(#sets)*
            },
        );
    };

    let pin_output = pin_output(&sig.output);
    let run = if sig.asyncness.is_some() {
        let body_future = Ident::new("__otel_genai_body", Span::mixed_site());
        quote! {{
            let #body_future = ::core::pin::pin!(async move { #pin_output #body });
            #span.run(#body_future).await
        }}
    } else {
        quote! { #span.run_sync(move || { #pin_output #body }) }
    };

    let mut block = Group::new(
        Delimiter::Brace,
        quote! {
            #start
            let #output = #run;
            #private::record_outcome!(#span, &#output);
            #output
        },
    );
    // The item keeps the user's spans end to end, so lints such as `dead_code` still
    // report on it as on any hand-written function.
    block.set_span(body_span(&body));
    quote! {
        #(#attrs)*
        #vis #sig #block
    }
}

/// Fixes the type the body returns to the declared one, so that `?` and `return` inside
/// the async block or closure infer as they do in the function itself. Skipped for
/// `impl Trait` return types, which cannot be written as a local's type.
fn pin_output(output: &ReturnType) -> TokenStream {
    let ReturnType::Type(_, ty) = output else {
        return TokenStream::new();
    };
    if contains_impl_trait(ty) {
        return TokenStream::new();
    }
    let never = Ident::new("__otel_genai_never", Span::mixed_site());
    quote! {
        #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::needless_return)]
        if false {
            let #never: #ty = loop {};
            return #never;
        }
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    fn scan(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => ident == "impl",
            TokenTree::Group(group) => scan(group.stream()),
            _ => false,
        })
    }
    scan(ty.to_token_stream())
}

fn request_span(request: &syn::Expr) -> Span {
    request.to_token_stream().into_iter().next().map_or_else(Span::call_site, |tree| tree.span())
}

fn body_span(body: &TokenStream) -> Span {
    body.clone().into_iter().next().map_or_else(Span::call_site, |tree| tree.span())
}

/// The span name, when every part of it is known at compile time.
fn static_name(args: &SpanArgs) -> TokenStream {
    let private = {
        let krate = &args.krate;
        quote!(#krate::__private)
    };
    let operation = args.operation;
    let naming = args.kind.naming_attribute();
    let named_by = args.attributes.iter().rev().find(|attribute| attribute.key.name == naming);
    let name = match named_by.map(|attribute| &attribute.value) {
        Some(AttrValue::Str(text, _)) => Some(text.clone()),
        Some(AttrValue::Expr(expr)) => string_literal(expr).map(|text| text.value()),
        Some(AttrValue::Int(..)) => None,
        // Without the naming attribute the name is the operation's, unless a request may
        // supply the attribute when the call starts.
        None => args.request.is_none().then(String::new),
    };
    match name {
        Some(text) if text.is_empty() => quote!(#private::Option::Some(#operation)),
        Some(text) => {
            let full = format!("{operation} {text}");
            quote!(#private::Option::Some(#full))
        }
        None => quote!(#private::Option::None),
    }
}

/// With the `off` feature: the function as written, plus a closure that is never called
/// and mentions the argument expressions, so they still type-check and the variables they
/// use still count as used.
fn compiled_away(function: Function, args: SpanArgs) -> TokenStream {
    let Function { attrs, vis, sig, body } = function;
    let values = args.request.iter().chain(args.attributes.iter().filter_map(|attribute| match &attribute.value {
        AttrValue::Expr(expr) => Some(expr),
        _ => None,
    }));
    let values: Vec<TokenStream> = values.map(value_ref).collect();
    let mut block = Group::new(
        Delimiter::Brace,
        quote! {
            let _ = || { #(let _ = #values;)* };
            #body
        },
    );
    block.set_span(body_span(&body));
    quote! {
        #(#attrs)*
        #vis #sig #block
    }
}

/// The value of a string attribute written as a literal.
fn literal_text(attribute: &StartAttribute) -> Option<String> {
    if attribute.key.setter != Setter::Str {
        return None;
    }
    match &attribute.value {
        AttrValue::Str(text, _) => Some(text.clone()),
        AttrValue::Expr(expr) => string_literal(expr).map(|text| text.value()),
        AttrValue::Int(..) => None,
    }
}

/// `invoke_agent` -> `InvokeAgent`: the runtime's `Operation` variant for an operation name.
fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase()).into_iter().chain(chars)
        })
        .collect()
}
