//! Code generation: the function keeps its signature and attributes; its body runs inside
//! a span the runtime starts, attaches and ends.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Ident, ReturnType, Type};

use crate::item::Function;
use crate::keys::{Setter, value_ref};
use crate::shape::Shape;
use crate::valid::{AttrValue, SpanArgs, StartAttribute, string_literal};

pub(crate) fn expand(function: Function, args: SpanArgs, shape: Shape) -> TokenStream {
    if cfg!(feature = "off") {
        return compiled_away(function, args);
    }
    let Function { attrs, vis, sig, body } = function;
    let streams = matches!(shape, Shape::Stream { .. });
    let start = start_arguments(args, streams);
    let private = &start.private;

    let pin_output = pin_output(&sig.output);
    let body = Body { private, start: &start.tokens, pin_output: &pin_output, body: &body };
    let code = match shape {
        Shape::Async => body.in_async_fn(),
        Shape::Sync => body.in_sync_fn(),
        Shape::Future { boxed, async_block } => body.future(boxed, async_block),
        Shape::Stream { asyncness, boxed, in_result, item } => body.stream(asyncness, boxed, in_result, item),
    };
    let mut block = Group::new(Delimiter::Brace, code);
    // The item keeps the user's spans end to end, so lints such as `dead_code` still
    // report on it as on any hand-written function.
    block.set_span(body_span(body.body));
    quote! {
        #(#attrs)*
        #vis #sig #block
    }
}

/// The arguments of `SpanGuard::start` and `DeferredSpan::new`: operation, kind, name,
/// capacity, the call site, and the closure writing the start attributes.
struct StartArguments {
    private: TokenStream,
    tokens: TokenStream,
}

fn start_arguments(args: SpanArgs, streams: bool) -> StartArguments {
    let name = static_name(&args);
    // The operation name, the macro's own attributes, room for a request's, the stream flag.
    let capacity = 1 + args.attributes.len() + if args.request.is_some() { 8 } else { 0 } + usize::from(streams);
    let SpanArgs { kind: _, krate, operation, client, request, attributes, captured_arguments } = args;
    let private = quote!(#krate::__private);
    let describe = Ident::new("__otel_genai_attrs", Span::mixed_site());

    let operation = Ident::new(&camel_case(operation), Span::call_site());
    let kind = Ident::new(if client { "Client" } else { "Internal" }, Span::call_site());
    let record_request = request.as_ref().map(|request| {
        quote_spanned! {request_span(request)=>
            #private::record_request(#describe, &(#request));
        }
    });
    let stream_flag = (streams && !attributes.iter().any(|attribute| attribute.key.name == STREAM_FLAG)).then(|| {
        quote! { #describe.set_bool(#private::Key::from_static_str(#STREAM_FLAG), &true); }
    });
    // Without a request every key is new: write the literal strings in one go.
    let (literals, attributes): (Vec<_>, Vec<_>) = attributes
        .into_iter()
        .partition(|attribute| request.is_none() && !attribute.key.content && literal_text(attribute).is_some());
    let pairs: Vec<TokenStream> = literals
        .iter()
        .map(|attribute| {
            let (name, text) = (&attribute.key.name, literal_text(attribute));
            quote!((#name, #text))
        })
        .collect();
    // Without a request, and when no other attribute written at the start is a metric
    // attribute, the call's metric attributes are the same on every call: the call site
    // holds them, built once (the runtime does not use them for a model call, whose metric
    // attributes change with its response).
    let fixed_metrics = request.is_none()
        && attributes.iter().all(|attribute| attribute.key.content || !is_metric_attribute(&attribute.key.name));
    let site = if fixed_metrics {
        let site = Ident::new("__OTEL_GENAI_SITE", Span::mixed_site());
        quote! {{
            static #site: #private::CallSite = #private::CallSite::new(#private::Operation::#operation, &[#(#pairs),*]);
            #private::Option::Some(&#site)
        }}
    } else {
        quote!(#private::Option::None)
    };
    let literals = (!pairs.is_empty()).then(|| quote! { #describe.extend_static(&[#(#pairs),*]); });
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
    // A tool's arguments, as JSON where they serialise, only when content is captured.
    let arguments = (!captured_arguments.is_empty()).then(|| {
        let names = captured_arguments.iter().map(|name| syn::ext::IdentExt::unraw(name).to_string());
        quote! {
            if #describe.capture_content() {
                #[allow(unused_imports)]
                use #private::{OpaqueJson as _, SerializeJson as _};
                #private::capture_arguments(#describe, &[#((#names, (&&#private::JsonProbe(&#captured_arguments)).json_value())),*]);
            }
        }
    });
    let tokens = quote! {(
        #private::Operation::#operation,
        #private::SpanKind::#kind,
        #name,
        #capacity,
        #site,
        |#describe: &mut #private::Attributes| {
            #record_request
            #literals
            #(#sets)*
            #stream_flag
            #arguments
        },
    )};
    StartArguments { private, tokens }
}

/// Whether any metric of the conventions carries `name`.
fn is_metric_attribute(name: &str) -> bool {
    crate::conventions::METRICS.iter().any(|metric| metric.attributes.iter().any(|attribute| attribute.name == name))
}

/// `gen_ai.request.stream`, set on the spans of functions returning streams.
const STREAM_FLAG: &str = "gen_ai.request.stream";

/// The generated body, one function per shape.
struct Body<'a> {
    private: &'a TokenStream,
    start: &'a TokenStream,
    pin_output: &'a TokenStream,
    body: &'a TokenStream,
}

/// Our own bindings live in the mixed-site context: the user's body cannot see them.
fn binding(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

impl Body<'_> {
    /// `async fn`: the span starts when the body is first polled and ends with it.
    fn in_async_fn(&self) -> TokenStream {
        let Body { private, start, pin_output, body } = self;
        let (span, output) = (binding("__otel_genai_span"), binding("__otel_genai_output"));
        quote! {
            let mut #span = #private::SpanGuard::start #start;
            let #output = #span.run(#private::pin!(async move { #pin_output #body })).await;
            #private::record_outcome!(#span, &#output);
            #output
        }
    }

    /// `fn` returning a value: the span covers the call.
    fn in_sync_fn(&self) -> TokenStream {
        let Body { private, start, pin_output, body } = self;
        let (span, output) = (binding("__otel_genai_span"), binding("__otel_genai_output"));
        quote! {
            let mut #span = #private::SpanGuard::start #start;
            let #output = #span.run_sync(move || { #pin_output #body });
            #private::record_outcome!(#span, &#output);
            #output
        }
    }

    /// `fn` returning a future: the parent and start attributes are taken at the call,
    /// the span covers the returned future from its first poll to its end.
    fn future(&self, boxed: bool, async_block: Option<TokenStream>) -> TokenStream {
        let Body { private, start, pin_output, body } = self;
        let (deferred, span, output, future) = (
            binding("__otel_genai_deferred"),
            binding("__otel_genai_span"),
            binding("__otel_genai_output"),
            binding("__otel_genai_future"),
        );
        let (construct, polled) = match async_block {
            // `#[async_trait]`'s `Box::pin(async move { .. })`: its block runs inside ours.
            Some(block) => (TokenStream::new(), quote!(async move #block)),
            None => (quote! { let #future = #private::construct(move || { #pin_output #body }); }, quote!(#future)),
        };
        let wrapped = quote! {
            async move {
                let mut #span = #deferred.start();
                let #output = #span.run(#private::pin!(#polled)).await;
                #private::record_outcome!(#span, &#output);
                #output
            }
        };
        let wrapped = if boxed { quote!(#private::Box::pin(#wrapped)) } else { wrapped };
        quote! {
            let #deferred = #private::DeferredSpan::new #start;
            #construct
            #wrapped
        }
    }

    /// `fn` or `async fn` returning a stream (or a `Result` holding one): the span stays
    /// open until the stream ends, and each item is looked at for response data.
    fn stream(&self, asyncness: bool, boxed: bool, in_result: bool, item: Option<TokenStream>) -> TokenStream {
        let Body { private, start, pin_output, body } = self;
        let item = item.map(infer_impl_trait);
        let observe = quote!(#private::observe_items!(#item));
        let (span, output, stream, error, since) = (
            binding("__otel_genai_span"),
            binding("__otel_genai_output"),
            binding("__otel_genai_stream"),
            binding("__otel_genai_error"),
            binding("__otel_genai_since"),
        );
        let (begin, make, instrument, start_span) = if asyncness {
            (
                quote! {
                    let mut #span = #private::SpanGuard::start #start;
                    let #since = #private::Instant::now();
                    let #output = #span.run(#private::pin!(async move { #pin_output #body })).await;
                },
                quote!(started),
                quote!((#span, #since, #stream, #observe)),
                TokenStream::new(),
            )
        } else {
            (
                quote! {
                    let #span = #private::DeferredSpan::new #start;
                    let #output = #private::construct(move || { #pin_output #body });
                },
                quote!(deferred),
                quote!((#span, #stream, #observe)),
                quote! { let mut #span = #span.start(); },
            )
        };
        let wrap = |tokens: TokenStream| if boxed { quote!(#private::Box::pin(#tokens)) } else { tokens };
        let instrumented = wrap(quote!(#private::InStream::#make #instrument));
        let finish = if in_result {
            quote! {
                match #output {
                    #private::Result::Ok(#stream) => #private::Result::Ok(#instrumented),
                    #private::Result::Err(#error) => {
                        #start_span
                        #private::record_error!(#span, &#error);
                        #span.end();
                        #private::Result::Err(#error)
                    }
                }
            }
        } else {
            quote! {
                let #stream = #output;
                #instrumented
            }
        };
        quote! {
            #begin
            #finish
        }
    }
}

/// Fixes the type the body returns to the declared one, so that `?` and `return` inside
/// the async block or closure infer as they do in the function itself. `impl Trait` parts
/// of the type, which cannot be written as a local's type, are left to inference (`_`).
fn pin_output(output: &ReturnType) -> TokenStream {
    let ReturnType::Type(_, ty) = output else {
        return TokenStream::new();
    };
    if matches!(**ty, Type::ImplTrait(_)) {
        return TokenStream::new();
    }
    let ty = infer_impl_trait(ty.to_token_stream());
    let never = Ident::new("__otel_genai_never", Span::mixed_site());
    quote! {
        #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::needless_return)]
        if false {
            let #never: #ty = loop {};
            return #never;
        }
    }
}

/// `Result<impl Stream<Item = u8>, E>` -> `Result<_, E>`.
fn infer_impl_trait(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) if ident == "impl" => {
                // Skip the bounds: up to the `,` or `>` that closes them at this depth.
                let mut depth = 0_usize;
                // The `>` of an `->` (in `impl Fn() -> T`) closes nothing.
                let mut after_dash = false;
                while let Some(next) = trees.peek() {
                    let arrow = after_dash;
                    after_dash = matches!(next, TokenTree::Punct(punct) if punct.as_char() == '-');
                    match next {
                        TokenTree::Punct(punct) if punct.as_char() == '>' && arrow => {}
                        TokenTree::Punct(punct) if punct.as_char() == '<' => depth += 1,
                        TokenTree::Punct(punct) if punct.as_char() == '>' && depth == 0 => break,
                        TokenTree::Punct(punct) if punct.as_char() == '>' => depth -= 1,
                        TokenTree::Punct(punct) if punct.as_char() == ',' && depth == 0 => break,
                        _ => {}
                    }
                    trees.next();
                }
                out.push(TokenTree::Ident(Ident::new("_", ident.span())));
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), infer_impl_trait(group.stream()));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
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
