//! The annotated function, kept as the user wrote it: the body stays raw tokens so that a
//! body that does not parse is still re-emitted untouched.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Lit, Meta, Signature, Token, Visibility};

pub(crate) struct Function {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// The `{ ... }` group, unparsed.
    pub(crate) body: TokenStream,
}

/// What the attribute was put on.
pub(crate) enum Item {
    Function(Function),
    /// A trait method declaration: `fn f(&self);`.
    BodylessFunction(Signature),
    /// Anything else; the span points at its first token.
    Other(proc_macro2::Span, &'static str),
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let start = input.span();
        let fork = input.fork();
        if fork.parse::<Signature>().is_err() {
            let what = describe_non_function(input);
            input.parse::<TokenStream>()?;
            return Ok(Item::Other(start, what));
        }
        let sig: Signature = input.parse()?;
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            return Ok(Item::BodylessFunction(sig));
        }
        let body = match input.parse::<TokenTree>()? {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => group.into_token_stream(),
            other => return Err(syn::Error::new(other.span(), "expected the function body")),
        };
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the function body"));
        }
        Ok(Item::Function(Function { attrs, vis, sig, body }))
    }
}

fn describe_non_function(input: ParseStream) -> &'static str {
    if input.peek(Token![struct]) {
        "a struct"
    } else if input.peek(Token![enum]) {
        "an enum"
    } else if input.peek(Token![extern]) || (input.peek(Token![unsafe]) && input.peek2(Token![extern])) {
        "an `extern` block"
    } else if input.peek(Token![impl]) {
        "an `impl` block"
    } else if input.peek(Token![trait]) {
        "a trait"
    } else if input.peek(Token![mod]) {
        "a module"
    } else if input.peek(Token![static]) || input.peek(Token![const]) {
        "a constant or static"
    } else {
        "this item"
    }
}

impl Function {
    /// The doc comment, as one string: lines trimmed of the one space `///` leaves,
    /// blank leading and trailing lines dropped.
    pub(crate) fn doc(&self) -> Option<String> {
        let lines: Vec<String> = self
            .attrs
            .iter()
            .filter_map(|attr| match &attr.meta {
                Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                    Expr::Lit(lit) => match &lit.lit {
                        Lit::Str(text) => Some(text.value()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            })
            .flat_map(|text| {
                text.split('\n')
                    .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        let text = lines.join("\n");
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}
