//! The macro arguments as written: `key = value`, bare flags, `attributes(k = v, ...)`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token, parenthesized};

/// One argument, before it is checked against what the macro accepts.
pub(crate) struct RawArg {
    pub(crate) name: Ident,
    pub(crate) value: RawValue,
}

pub(crate) enum RawValue {
    /// `remote`
    Flag,
    /// `key = expr`
    Expr(Expr),
    /// `attributes(key = expr, ...)`
    List(Vec<AttributeEntry>),
    /// `skip(name, ...)`
    Names(Vec<Ident>),
}

/// `gen_ai.request.seed = expr` or `"app.tier" = expr` inside `attributes(...)`.
pub(crate) struct AttributeEntry {
    pub(crate) key: AttributeKey,
    pub(crate) value: Expr,
}

/// A dotted attribute name, with the tokens it was written as (for error spans).
pub(crate) struct AttributeKey {
    pub(crate) name: String,
    pub(crate) tokens: TokenStream,
    /// Written as a string literal: taken as it is, namespace or not.
    pub(crate) quoted: bool,
}

impl AttributeKey {
    /// A key written without a namespace (`steps`) is an error that suggests one
    /// (`app.steps`): such keys may collide with future conventions, and validators report
    /// them. A quoted key (`"steps"`) is taken as written.
    pub(crate) fn check_namespace(&self, errors: &mut crate::ctxt::Errors) -> bool {
        if self.quoted || self.name.contains('.') {
            return true;
        }
        let name = &self.name;
        errors.spanned(
            &self.tokens,
            format_args!(
                "attribute `{name}` has no namespace: write `app.{name}` (or a namespace of your own); names without one may collide with future conventions. A key written as a string, `\"{name}\"`, is taken as it is"
            ),
        );
        false
    }
}

pub(crate) struct RawArgs(pub(crate) Vec<RawArg>);

impl Parse for RawArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let args = Punctuated::<RawArg, Token![,]>::parse_terminated(input)?;
        Ok(RawArgs(args.into_iter().collect()))
    }
}

impl Parse for RawArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `crate` and `type` are keywords but fine argument names.
        let name = input.call(Ident::parse_any)?;
        let value = if name == "attributes" && input.peek(syn::token::Paren) {
            let content;
            parenthesized!(content in input);
            let entries = Punctuated::<AttributeEntry, Token![,]>::parse_terminated(&content)?;
            RawValue::List(entries.into_iter().collect())
        } else if name == "skip" && input.peek(syn::token::Paren) {
            let content;
            parenthesized!(content in input);
            let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(&content, Ident::parse_any)?;
            RawValue::Names(names.into_iter().collect())
        } else if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            RawValue::Expr(input.parse()?)
        } else {
            RawValue::Flag
        };
        Ok(RawArg { name, value })
    }
}

impl Parse for AttributeEntry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: AttributeKey = input.parse()?;
        input.parse::<Token![=]>()?;
        let value = input.parse()?;
        Ok(AttributeEntry { key, value })
    }
}

impl Parse for AttributeKey {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            return Ok(AttributeKey { name: literal.value(), tokens: literal.into_token_stream(), quoted: true });
        }
        let mut name = String::new();
        let mut tokens = TokenStream::new();
        loop {
            let segment = input.call(Ident::parse_any).map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "expected an attribute name such as `gen_ai.request.seed` or `\"app.tier\"`",
                )
            })?;
            name.push_str(&segment.unraw().to_string());
            segment.to_tokens(&mut tokens);
            if !input.peek(Token![.]) {
                break;
            }
            let dot: Token![.] = input.parse()?;
            name.push('.');
            dot.to_tokens(&mut tokens);
        }
        Ok(AttributeKey { name, tokens, quoted: false })
    }
}
