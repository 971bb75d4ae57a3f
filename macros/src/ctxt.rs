//! Collects every mistake of one macro invocation so they are reported in one compile.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// All collected errors as one, or `Ok` when there were none.
    pub(crate) fn finish(self) -> syn::Result<()> {
        let mut errors = self.errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        combined.extend(errors);
        Err(combined)
    }

    /// Every collected error plus `error`.
    pub(crate) fn finish_with(mut self, error: syn::Error) -> syn::Error {
        self.push(error);
        self.finish().err().unwrap_or_else(|| unreachable!("an error was just pushed"))
    }
}

/// The item re-emitted untouched next to the errors, so the only errors the user sees
/// are ours and the rest of their code still type-checks (and IDEs keep working).
pub(crate) fn fallback(error: syn::Error, item: TokenStream) -> TokenStream {
    let errors = error.to_compile_error();
    quote::quote! { #errors #item }
}
