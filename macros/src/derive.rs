//! `#[derive(GenAiRequest)]` and `#[derive(GenAiResponse)]`: a struct's fields become the
//! attributes its `record` writes, each checked against the conventions.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Data, DeriveInput, Ident, Index, LitStr, Member, Token, Type};

use crate::args::AttributeKey;
use crate::conventions;
use crate::ctxt::Errors;
use crate::keys::{Place, Setter, check_field_type, check_key};
use crate::suggest::closest;

/// Which trait is being derived.
#[derive(Clone, Copy)]
pub(crate) enum Describes {
    Request,
    Response,
}

impl Describes {
    fn trait_name(self) -> &'static str {
        match self {
            Describes::Request => "GenAiRequest",
            Describes::Response => "GenAiResponse",
        }
    }

    fn place(self) -> Place {
        match self {
            Describes::Request => Place::Request,
            Describes::Response => Place::Response,
        }
    }

    /// The attributes a field named `field` is recorded as when it has no `#[gen_ai]`.
    fn inferred(self, field: &str) -> Vec<String> {
        match self {
            Describes::Request => vec![format!("gen_ai.request.{field}")],
            Describes::Response => vec![format!("gen_ai.response.{field}"), format!("gen_ai.usage.{field}")],
        }
    }
}

/// What `#[gen_ai(...)]` on a field says.
enum FieldOption {
    Skip,
    Flatten,
    Key(AttributeKey),
}

pub(crate) fn derive(describes: Describes, input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut errors = Errors::default();
    let krate = crate_path(&input, &mut errors);
    let trait_path = {
        let name = Ident::new(describes.trait_name(), Span::call_site());
        quote!(#krate::#name)
    };
    let attrs = Ident::new("__otel_genai_attrs", Span::mixed_site());

    let mut body = Vec::new();
    let mut bounds = Vec::new();
    let type_params: Vec<&Ident> = input.generics.type_params().map(|param| &param.ident).collect();
    match &input.data {
        Data::Struct(data) => {
            let mut recorded: Vec<String> = Vec::new();
            for (index, field) in data.fields.iter().enumerate() {
                let member = match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(Index { index: index as u32, span: Span::call_site() }),
                };
                let field_name =
                    field.ident.as_ref().map_or_else(|| index.to_string(), |ident| ident.unraw().to_string());
                let generic = mentions_any(&field.ty, &type_params);
                let (name, at) = match field_option(field, &mut errors) {
                    Some(FieldOption::Skip) => continue,
                    Some(FieldOption::Flatten) => {
                        body.push(quote! { #trait_path::record(&self.#member, #attrs); });
                        if generic {
                            let ty = &field.ty;
                            bounds.push(quote!(#ty: #trait_path));
                        }
                        continue;
                    }
                    Some(FieldOption::Key(key)) => (key.name, key.tokens),
                    None => {
                        let Some(ident) = &field.ident else { continue };
                        let inferred = describes
                            .inferred(&field_name)
                            .into_iter()
                            .find(|name| conventions::attribute(name).is_some());
                        match inferred {
                            Some(name) => (name, ident.to_token_stream()),
                            None => continue,
                        }
                    }
                };
                if recorded.contains(&name) {
                    errors.spanned(&at, format_args!("`{name}` is recorded by an earlier field already"));
                    continue;
                }
                recorded.push(name.clone());
                let Some(key) = check_key(&name, &at, describes.place(), &mut errors) else { continue };
                check_field_type(&key, &field_name, &field.ty, &mut errors);
                let method = Ident::new(key.setter.method(), Span::call_site());
                let key_name = {
                    let name = &key.name;
                    quote!(#krate::__private::Key::from_static_str(#name))
                };
                let ty = &field.ty;
                let span = ty.to_token_stream().into_iter().next().map_or_else(Span::call_site, |tree| tree.span());
                let value = quote_spanned!(span=> &self.#member);
                let set = quote! { #attrs.#method(#key_name, #value); };
                body.push(if key.content {
                    quote! { if #attrs.capture_content() { #set } }
                } else {
                    set
                });
                if generic {
                    let ty = &field.ty;
                    let bound = value_trait(key.setter);
                    bounds.push(quote!(#ty: #krate::#bound));
                }
            }
        }
        Data::Enum(data) => errors.spanned(
            data.enum_token,
            format_args!("`#[derive({})]` needs a struct: its fields become attributes", describes.trait_name()),
        ),
        Data::Union(data) => errors.spanned(
            data.union_token,
            format_args!("`#[derive({})]` needs a struct: its fields become attributes", describes.trait_name()),
        ),
    }

    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| clause.predicates.iter().map(ToTokens::to_token_stream).collect())
        .unwrap_or_default();
    predicates.extend(bounds);
    let unused = format_ident!("_{}", attrs, span = Span::mixed_site());
    let (parameter, body) = match errors.finish() {
        Ok(()) => (attrs.clone(), quote!(#(#body)*)),
        // A stub next to the errors, so uses of the trait do not fail too.
        Err(error) => (unused, error.to_compile_error()),
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #trait_path for #ident #type_generics where #(#predicates,)* {
            fn record(&self, #parameter: &mut #krate::Attributes) {
                #body
            }
        }
    }
}

fn value_trait(setter: Setter) -> Ident {
    let name = match setter {
        Setter::Str => "StrAttribute",
        Setter::Int => "IntAttribute",
        Setter::Double => "DoubleAttribute",
        Setter::Bool => "BoolAttribute",
        Setter::StrArray => "StrArrayAttribute",
        Setter::Json => "JsonAttribute",
        Setter::InputMessages => "InputMessages",
        Setter::OutputMessages => "OutputMessages",
        Setter::SystemInstructions => "SystemInstructions",
        Setter::ToolDefinitions => "ToolDefinitions",
        Setter::Untyped => "ToAttributeValue",
    };
    Ident::new(name, Span::call_site())
}

/// `#[gen_ai(crate = path)]` on the struct.
fn crate_path(input: &DeriveInput, errors: &mut Errors) -> TokenStream {
    let mut krate = quote!(::otel_genai);
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("gen_ai")) {
        let parsed = attr.parse_args_with(|input: ParseStream| {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            input.parse::<syn::Path>()
        });
        match parsed {
            Ok(path) => krate = path.into_token_stream(),
            Err(_) => errors.spanned(attr, "on the struct, `#[gen_ai]` only takes `crate = path`"),
        }
    }
    krate
}

fn field_option(field: &syn::Field, errors: &mut Errors) -> Option<FieldOption> {
    let mut found = None;
    for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("gen_ai")) {
        if found.is_some() {
            errors.spanned(attr, "one `#[gen_ai(...)]` per field");
            continue;
        }
        match attr.parse_args_with(parse_field_option) {
            Ok(option) => found = Some(option),
            Err(error) => errors.push(error),
        }
    }
    found
}

fn parse_field_option(input: ParseStream) -> syn::Result<FieldOption> {
    if input.peek(LitStr) {
        let key: AttributeKey = input.parse()?;
        return finish(input, FieldOption::Key(key));
    }
    let fork = input.fork();
    let first = fork.call(Ident::parse_any)?;
    if !fork.peek(Token![.]) {
        input.call(Ident::parse_any)?;
        let word = first.unraw().to_string();
        return match word.as_str() {
            "skip" => finish(input, FieldOption::Skip),
            "flatten" => finish(input, FieldOption::Flatten),
            _ => match closest(&word, ["skip", "flatten"]) {
                Some(suggestion) => {
                    Err(syn::Error::new(first.span(), format!("unknown option `{word}`; did you mean `{suggestion}`?")))
                }
                None => finish(
                    input,
                    FieldOption::Key(AttributeKey {
                        name: format!("gen_ai.{word}"),
                        tokens: first.to_token_stream(),
                        quoted: false,
                    }),
                ),
            },
        };
    }
    let mut key: AttributeKey = input.parse()?;
    if !conventions::in_convention_namespace(&key.name) {
        key.name = format!("gen_ai.{}", key.name);
    }
    finish(input, FieldOption::Key(key))
}

fn finish(input: ParseStream, option: FieldOption) -> syn::Result<FieldOption> {
    if input.is_empty() { Ok(option) } else { Err(input.error("expected one attribute name, `skip` or `flatten`")) }
}

fn mentions_any(ty: &Type, params: &[&Ident]) -> bool {
    fn scan(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => params.iter().any(|param| **param == ident),
            TokenTree::Group(group) => scan(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && scan(ty.to_token_stream(), params)
}
