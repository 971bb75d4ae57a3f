//! What the instrumented function returns decides when its span ends: when the body
//! returns, when the returned future completes, or when the returned stream ends. The
//! shape is chosen here, once, from the signature (and, for `#[async_trait]` methods,
//! the body that attribute generated).

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Expr, GenericArgument, PathArguments, ReturnType, Stmt, Type, TypeParamBound};

use crate::item::Function;

/// How the function's work is spread over time.
pub(crate) enum Shape {
    /// `async fn` returning a value.
    Async,
    /// `fn` returning a value.
    Sync,
    /// `fn` returning a future: the span covers the future, from its first poll to its end.
    Future {
        /// `Pin<Box<dyn Future>>` or `BoxFuture`: the wrapper is boxed again.
        boxed: bool,
        /// The block of a body that is exactly `Box::pin(async move { .. })`, as
        /// `#[async_trait]` writes it: instrumented in place, with no second box.
        async_block: Option<TokenStream>,
    },
    /// `fn` or `async fn` returning a stream, or a `Result` holding one: the span stays
    /// open until the stream ends.
    Stream {
        asyncness: bool,
        boxed: bool,
        in_result: bool,
        /// The item type, where the signature names it: the items are looked at as that
        /// type, which also settles what the body's stream yields.
        item: Option<TokenStream>,
    },
}

/// What a return type is, as far as its syntax tells.
enum Returns {
    Future { boxed: bool, unpin: bool },
    Stream { boxed: bool, item: Option<TokenStream> },
    Other,
}

pub(crate) fn shape(function: &Function, macro_name: &str) -> syn::Result<Shape> {
    let ReturnType::Type(_, ty) = &function.sig.output else {
        return Ok(if function.sig.asyncness.is_some() { Shape::Async } else { Shape::Sync });
    };
    let asyncness = function.sig.asyncness.is_some();
    let (returns, in_result) = match returns(ty) {
        Returns::Other => match result_value(ty).map(returns) {
            Some(stream @ Returns::Stream { .. }) => (stream, true),
            _ => (Returns::Other, false),
        },
        returns => (returns, false),
    };
    match returns {
        Returns::Other => Ok(if asyncness { Shape::Async } else { Shape::Sync }),
        Returns::Stream { boxed, item } => Ok(Shape::Stream { asyncness, boxed, in_result, item }),
        Returns::Future { .. } if asyncness => Err(syn::Error::new_spanned(
            ty,
            format_args!(
                "`#[{macro_name}]` cannot follow a future returned by an `async fn`: its span would end before that future runs; make it a plain `fn` returning the future (the span then covers it), or `.await` the future in the body"
            ),
        )),
        Returns::Future { unpin: true, .. } => Err(syn::Error::new_spanned(
            ty,
            format_args!(
                "`#[{macro_name}]` cannot return an `Unpin` future: the instrumented future is not `Unpin`; return `Pin<Box<dyn Future<Output = ..> + Send>>` instead, or make the function `async`"
            ),
        )),
        Returns::Future { boxed, .. } => {
            let async_block = if boxed { boxed_async_block(&function.body) } else { None };
            Ok(Shape::Future { boxed, async_block })
        }
    }
}

fn returns(ty: &Type) -> Returns {
    match ty {
        Type::Paren(inner) => returns(&inner.elem),
        Type::Group(inner) => returns(&inner.elem),
        Type::ImplTrait(bounds) => from_bounds(bounds.bounds.iter(), false),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else { return Returns::Other };
            match last.ident.to_string().as_str() {
                "BoxFuture" | "LocalBoxFuture" => Returns::Future { boxed: true, unpin: false },
                "BoxStream" | "LocalBoxStream" => Returns::Stream {
                    boxed: true,
                    item: first_type_argument(&last.arguments).map(ToTokens::to_token_stream),
                },
                "Pin" => match first_type_argument(&last.arguments).map(boxed_trait_object) {
                    Some(Some(bounds)) => from_bounds(bounds.iter(), true),
                    _ => Returns::Other,
                },
                _ => Returns::Other,
            }
        }
        _ => Returns::Other,
    }
}

fn from_bounds<'a>(bounds: impl Iterator<Item = &'a TypeParamBound> + Clone, boxed: bool) -> Returns {
    let named = |wanted: &str| {
        bounds.clone().find_map(|bound| match bound {
            TypeParamBound::Trait(bound) => bound.path.segments.last().filter(|segment| segment.ident == wanted),
            _ => None,
        })
    };
    if named("Future").is_some() {
        Returns::Future { boxed, unpin: !boxed && named("Unpin").is_some() }
    } else if let Some(stream) = named("Stream") {
        Returns::Stream { boxed, item: associated(&stream.arguments, "Item").map(ToTokens::to_token_stream) }
    } else if let Some(stream) = named("TryStream") {
        let item = associated(&stream.arguments, "Ok")
            .zip(associated(&stream.arguments, "Error"))
            .map(|(ok, error)| quote::quote!(::core::result::Result<#ok, #error>));
        Returns::Stream { boxed, item }
    } else {
        Returns::Other
    }
}

/// `T` in `Trait<Name = T>`.
fn associated<'a>(arguments: &'a PathArguments, name: &str) -> Option<&'a Type> {
    let PathArguments::AngleBracketed(arguments) = arguments else { return None };
    arguments.args.iter().find_map(|argument| match argument {
        GenericArgument::AssocType(assoc) if assoc.ident == name => Some(&assoc.ty),
        _ => None,
    })
}

/// The bounds of `dyn ..` in `Box<dyn ..>`.
fn boxed_trait_object(ty: &Type) -> Option<&syn::punctuated::Punctuated<TypeParamBound, syn::Token![+]>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|segment| segment.ident == "Box")?;
    match first_type_argument(&last.arguments)? {
        Type::TraitObject(object) => Some(&object.bounds),
        _ => None,
    }
}

/// `T` in `Result<T, E>` (or any `Result` alias with `T` first).
fn result_value(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|segment| segment.ident == "Result")?;
    first_type_argument(&last.arguments)
}

fn first_type_argument(arguments: &PathArguments) -> Option<&Type> {
    type_arguments(arguments).next()
}

fn type_arguments(arguments: &PathArguments) -> impl Iterator<Item = &Type> {
    let arguments = match arguments {
        PathArguments::AngleBracketed(arguments) => Some(arguments.args.iter()),
        _ => None,
    };
    arguments.into_iter().flatten().filter_map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// The block of `{ Box::pin(async move { .. }) }`, the body `#[async_trait]` generates.
fn boxed_async_block(body: &TokenStream) -> Option<TokenStream> {
    let block: syn::Block = syn::parse2(body.clone()).ok()?;
    let [Stmt::Expr(Expr::Call(call), None)] = block.stmts.as_slice() else { return None };
    let Expr::Path(func) = call.func.as_ref() else { return None };
    let segments: Vec<String> = func.path.segments.iter().map(|segment| segment.ident.to_string()).collect();
    if !segments.ends_with(&["Box".to_owned(), "pin".to_owned()]) || call.args.len() != 1 {
        return None;
    }
    match call.args.first() {
        Some(Expr::Async(inner)) if inner.capture.is_some() => Some(inner.block.to_token_stream()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;
    use crate::item::Item;

    fn shape_of(tokens: TokenStream) -> Result<Shape, String> {
        let Ok(Item::Function(function)) = syn::parse2::<Item>(tokens) else { panic!("not a function") };
        shape(&function, "tool").map_err(|error| error.to_string())
    }

    #[test]
    fn the_async_trait_body_is_instrumented_in_place() {
        // What `#[async_trait]` makes of `async fn call(&self) -> u8 { 1 }`.
        let shape = shape_of(quote! {
            fn call<'life0, 'async_trait>(&'life0 self)
                -> ::core::pin::Pin<Box<dyn ::core::future::Future<Output = u8> + ::core::marker::Send + 'async_trait>>
            where 'life0: 'async_trait, Self: 'async_trait
            {
                Box::pin(async move { let __self = self; let __ret: u8 = { 1 }; __ret })
            }
        });
        let Ok(Shape::Future { boxed: true, async_block: Some(block) }) = shape else { panic!("not in place") };
        assert!(block.to_string().starts_with("{ let __self = self ;"), "{block}");
    }

    #[test]
    fn other_boxed_bodies_are_wrapped() {
        let shape = shape_of(quote! {
            fn call(&self) -> futures::future::BoxFuture<'_, u8> { let f = async { 1 }; Box::pin(f) }
        });
        assert!(matches!(shape, Ok(Shape::Future { boxed: true, async_block: None })));
        let shape = shape_of(quote! { fn call() -> impl std::future::Future<Output = u8> + Send { async { 1 } } });
        assert!(matches!(shape, Ok(Shape::Future { boxed: false, async_block: None })));
    }

    #[test]
    fn streams_and_their_items() {
        let item = |shape: Result<Shape, String>| match shape {
            Ok(Shape::Stream { item, .. }) => item.map(|item| item.to_string()),
            _ => panic!("not a stream"),
        };
        let plain = shape_of(quote! { fn s() -> impl Stream<Item = u8> + Send { todo!() } });
        assert_eq!(item(plain), Some("u8".to_owned()));
        let boxed = shape_of(quote! { async fn s() -> Result<BoxStream<'static, Chunk>, E> { todo!() } });
        assert!(matches!(boxed, Ok(Shape::Stream { asyncness: true, boxed: true, in_result: true, .. })));
        let boxed = shape_of(quote! { async fn s() -> Result<BoxStream<'static, Chunk>, E> { todo!() } });
        assert_eq!(item(boxed), Some("Chunk".to_owned()));
        let tried = shape_of(quote! { fn s() -> Pin<Box<dyn TryStream<Ok = u8, Error = E>>> { todo!() } });
        assert_eq!(item(tried), Some(":: core :: result :: Result < u8 , E >".to_owned()));
        let untyped = shape_of(quote! { fn s<S: Stream>(s: S) -> S { s } });
        assert!(matches!(untyped, Ok(Shape::Sync)), "a type parameter is not known to be a stream");
    }
}
