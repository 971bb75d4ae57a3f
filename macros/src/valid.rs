//! Checks the arguments against what each macro accepts and turns them into the typed
//! model the expansion needs. Every mistake is collected; none hides another.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, ReturnType};

use crate::args::{RawArg, RawArgs, RawValue};
use crate::ctxt::Errors;
use crate::item::Function;
use crate::keys::{CheckedKey, Place, check_key, check_literal};
use crate::suggest::closest;

/// Which span macro is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MacroKind {
    Chat,
    Embeddings,
    Retrieval,
    Agent,
    Workflow,
    Tool,
}

impl MacroKind {
    pub(crate) fn macro_name(self) -> &'static str {
        match self {
            MacroKind::Chat => "gen_ai_chat",
            MacroKind::Embeddings => "embeddings",
            MacroKind::Retrieval => "retrieval",
            MacroKind::Agent => "agent",
            MacroKind::Workflow => "workflow",
            MacroKind::Tool => "tool",
        }
    }

    /// The arguments the macro accepts, in the order their attributes are written.
    fn accepted(self) -> &'static [&'static str] {
        const SERVER: [&str; 3] = ["server", "server_address", "server_port"];
        match self {
            MacroKind::Chat => &[
                "operation",
                "provider",
                "model",
                "request",
                SERVER[0],
                SERVER[1],
                SERVER[2],
                "conversation_id",
                "attributes",
                "crate",
            ],
            MacroKind::Embeddings => {
                &["provider", "model", "request", SERVER[0], SERVER[1], SERVER[2], "attributes", "crate"]
            }
            MacroKind::Retrieval => {
                &["data_source", "provider", "model", "request", SERVER[0], SERVER[1], SERVER[2], "attributes", "crate"]
            }
            MacroKind::Agent => &[
                "name",
                "description",
                "id",
                "version",
                "provider",
                "model",
                "request",
                "conversation_id",
                "data_source",
                "remote",
                SERVER[0],
                SERVER[1],
                SERVER[2],
                "attributes",
                "crate",
            ],
            MacroKind::Workflow => &["name", "attributes", "crate"],
            MacroKind::Tool => &["name", "description", "call_id", "type", "skip", "attributes", "crate"],
        }
    }

    /// The attribute an argument sets.
    fn attribute_of(self, argument: &str) -> Option<&'static str> {
        Some(match argument {
            "provider" => "gen_ai.provider.name",
            "model" => "gen_ai.request.model",
            "conversation_id" => "gen_ai.conversation.id",
            "data_source" => "gen_ai.data_source.id",
            "id" => "gen_ai.agent.id",
            "version" => "gen_ai.agent.version",
            "call_id" => "gen_ai.tool.call.id",
            "type" => "gen_ai.tool.type",
            "server_address" => "server.address",
            "server_port" => "server.port",
            "name" => match self {
                MacroKind::Agent => "gen_ai.agent.name",
                MacroKind::Workflow => "gen_ai.workflow.name",
                MacroKind::Tool => "gen_ai.tool.name",
                _ => return None,
            },
            "description" => match self {
                MacroKind::Agent => "gen_ai.agent.description",
                MacroKind::Tool => "gen_ai.tool.description",
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The argument of this macro that sets `attribute`, if any.
    fn argument_setting(self, attribute: &str) -> Option<&'static str> {
        if matches!(attribute, "server.address" | "server.port") && self.accepted().contains(&"server") {
            return Some(if attribute == "server.address" { "server_address" } else { "server_port" });
        }
        self.accepted().iter().copied().find(|argument| self.attribute_of(argument) == Some(attribute))
    }

    /// The attribute that completes the span name (`chat {gen_ai.request.model}`).
    pub(crate) fn naming_attribute(self) -> &'static str {
        match self {
            MacroKind::Chat | MacroKind::Embeddings => "gen_ai.request.model",
            MacroKind::Retrieval => "gen_ai.data_source.id",
            MacroKind::Agent => "gen_ai.agent.name",
            MacroKind::Workflow => "gen_ai.workflow.name",
            MacroKind::Tool => "gen_ai.tool.name",
        }
    }

    fn names_itself(self) -> bool {
        matches!(self, MacroKind::Agent | MacroKind::Workflow | MacroKind::Tool)
    }

    fn describes_itself(self) -> bool {
        matches!(self, MacroKind::Agent | MacroKind::Tool)
    }
}

/// The value of one start attribute.
pub(crate) enum AttrValue {
    /// A Rust expression, evaluated when the span starts.
    Expr(Expr),
    /// A string known at compile time.
    Str(String, Span),
    /// An integer known at compile time.
    Int(u16, Span),
}

/// One start attribute, checked.
pub(crate) struct StartAttribute {
    pub(crate) key: CheckedKey,
    pub(crate) value: AttrValue,
}

/// Everything the expansion needs.
pub(crate) struct SpanArgs {
    pub(crate) kind: MacroKind,
    pub(crate) krate: TokenStream,
    /// The value of `gen_ai.operation.name`; the runtime's `Operation` variant is its
    /// camel-cased form.
    pub(crate) operation: &'static str,
    pub(crate) client: bool,
    pub(crate) request: Option<Expr>,
    /// Start attributes, later entries overriding earlier ones.
    pub(crate) attributes: Vec<StartAttribute>,
    /// A tool's arguments captured as `gen_ai.tool.call.arguments` (in capture modes): the
    /// named ones not in `skip(..)`.
    pub(crate) captured_arguments: Vec<Ident>,
}

pub(crate) fn validate(kind: MacroKind, raw: RawArgs, function: &Function, errors: &mut Errors) -> SpanArgs {
    check_function(kind, function, errors);

    let mut seen: Vec<&Ident> = Vec::new();
    for arg in &raw.0 {
        let name = arg.name.to_string();
        if !kind.accepted().contains(&name.as_str()) {
            unknown_argument(kind, arg, errors);
        } else if seen.contains(&&arg.name) {
            errors.at(arg.name.span(), format_args!("duplicate argument `{name}`"));
        }
        seen.push(&arg.name);
    }
    let find = |name: &str| raw.0.iter().find(|arg| arg.name == name);

    let mut args = SpanArgs {
        kind,
        krate: quote!(::otel_genai),
        operation: match kind {
            MacroKind::Chat => "chat",
            MacroKind::Embeddings => "embeddings",
            MacroKind::Retrieval => "retrieval",
            MacroKind::Agent => "invoke_agent",
            MacroKind::Workflow => "invoke_workflow",
            MacroKind::Tool => "execute_tool",
        },
        client: matches!(kind, MacroKind::Chat | MacroKind::Embeddings | MacroKind::Retrieval),
        request: None,
        attributes: Vec::new(),
        captured_arguments: Vec::new(),
    };

    if let Some(arg) = find("crate")
        && let Some(path) = expr_value(arg, errors)
    {
        match path {
            Expr::Path(path) if path.qself.is_none() => args.krate = path.path.to_token_stream(),
            other => errors.spanned(other, "`crate` takes a path, such as `crate = my_sdk::otel_genai`"),
        }
    }
    if let Some(arg) = find("operation")
        && let Some(value) = expr_value(arg, errors)
    {
        const INFERENCE: [&str; 3] = ["chat", "text_completion", "generate_content"];
        let known = |text: &str| INFERENCE.into_iter().find(|operation| *operation == text);
        match string_literal(value).map(|lit| (lit.value(), lit)) {
            Some((text, lit)) => match known(&text) {
                Some(operation) => args.operation = operation,
                None => errors.spanned(
                    lit,
                    format_args!("unknown operation {text:?}: `#[gen_ai_chat]` records \"chat\", \"text_completion\" or \"generate_content\""),
                ),
            },
            None => errors.spanned(value, "`operation` takes a string literal: \"chat\", \"text_completion\" or \"generate_content\""),
        }
    }
    if let Some(arg) = find("remote") {
        match &arg.value {
            RawValue::Flag => args.client = true,
            RawValue::Expr(Expr::Lit(ExprLit { lit: Lit::Bool(flag), .. })) => args.client = flag.value,
            _ => errors.at(arg.name.span(), "`remote` is a flag: write `remote` or `remote = true`"),
        }
    }
    let remote_agent = kind == MacroKind::Agent && args.client;
    let provider_required = matches!(kind, MacroKind::Chat | MacroKind::Embeddings) || remote_agent;
    if provider_required && find("provider").is_none() {
        let why = if remote_agent { "a remote agent's span" } else { "this span" };
        errors.at(
            Span::call_site(),
            format_args!(
                "`#[{}]` needs `provider = \"...\"`: `gen_ai.provider.name` is required on {why} (for example `provider = \"openai\"`)",
                kind.macro_name()
            ),
        );
    }

    args.request = find("request").and_then(|arg| expr_value(arg, errors)).cloned();

    if kind.names_itself() && find("name").is_none() {
        let name = function.sig.ident.unraw().to_string();
        let at = function.sig.ident.to_token_stream();
        push_known(&mut args, kind.attribute_of("name"), &at, AttrValue::Str(name, function.sig.ident.span()), errors);
    }
    if kind == MacroKind::Tool && find("type").is_none() {
        let at = function.sig.ident.to_token_stream();
        push_known(
            &mut args,
            kind.attribute_of("type"),
            &at,
            AttrValue::Str("function".to_owned(), Span::call_site()),
            errors,
        );
    }
    if kind.describes_itself()
        && find("description").is_none()
        && let Some(doc) = function.doc()
    {
        let at = function.sig.ident.to_token_stream();
        push_known(&mut args, kind.attribute_of("description"), &at, AttrValue::Str(doc, Span::call_site()), errors);
    }
    for arg in &raw.0 {
        let name = arg.name.to_string();
        if !kind.accepted().contains(&name.as_str()) {
            continue;
        }
        if name == "server" {
            if let Some(value) = expr_value(arg, errors) {
                server_attributes(value, find("server_address").or(find("server_port")), &mut args, errors);
            }
        } else if let Some(key) = kind.attribute_of(&name)
            && let Some(value) = expr_value(arg, errors)
            && let Some(key) = check_key(key, &arg.name.to_token_stream(), Place::SpanStart, errors)
        {
            check_literal(&key, value, errors);
            args.attributes.push(StartAttribute { key, value: AttrValue::Expr(value.clone()) });
        }
    }
    if kind == MacroKind::Tool {
        let skipped: Vec<Ident> = match find("skip").map(|arg| &arg.value) {
            Some(RawValue::Names(names)) => names.clone(),
            Some(_) => {
                errors.at(
                    find("skip").map_or_else(Span::call_site, |arg| arg.name.span()),
                    "`skip` takes argument names: `skip(client, token)`",
                );
                Vec::new()
            }
            None => Vec::new(),
        };
        let named: Vec<Ident> = function
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => match typed.pat.as_ref() {
                    syn::Pat::Ident(pat) => Some(pat.ident.clone()),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        for name in &skipped {
            if !named.contains(name) {
                errors.spanned(name, format_args!("`skip({name})`: the function has no argument named `{name}`"));
            }
        }
        args.captured_arguments = named.into_iter().filter(|name| !skipped.contains(name)).collect();
    }
    if let Some(arg) = find("attributes") {
        match &arg.value {
            RawValue::List(entries) => {
                for (index, entry) in entries.iter().enumerate() {
                    let name = &entry.key.name;
                    let at = &entry.key.tokens;
                    if entries[..index].iter().any(|earlier| &earlier.key.name == name) {
                        errors.spanned(at, format_args!("duplicate attribute `{name}`"));
                        continue;
                    }
                    if name == "gen_ai.operation.name" {
                        errors.spanned(at, format_args!("`{name}` is set by `#[{}]` itself", kind.macro_name()));
                        continue;
                    }
                    if !entry.key.check_namespace(errors) {
                        continue;
                    }
                    if let Some(argument) = kind.argument_setting(name) {
                        errors.spanned(
                            at,
                            format_args!(
                                "`{name}` is set by the `{argument}` argument; write `{argument} = ...` instead"
                            ),
                        );
                        continue;
                    }
                    if let Some(key) = check_key(name, at, Place::SpanStart, errors) {
                        check_literal(&key, &entry.value, errors);
                        args.attributes.push(StartAttribute { key, value: AttrValue::Expr(entry.value.clone()) });
                    }
                }
            }
            _ => errors.at(arg.name.span(), "`attributes` takes a list: `attributes(app.tier = \"gold\", ...)`"),
        }
    }
    args
}

/// Records a value the macro computed itself for a name it chose.
fn push_known(args: &mut SpanArgs, key: Option<&str>, at: &TokenStream, value: AttrValue, errors: &mut Errors) {
    if let Some(key) = key.and_then(|key| check_key(key, at, Place::SpanStart, errors)) {
        args.attributes.push(StartAttribute { key, value });
    }
}

fn check_function(kind: MacroKind, function: &Function, errors: &mut Errors) {
    let sig = &function.sig;
    if let Some(constness) = &sig.constness {
        errors.spanned(
            constness,
            format_args!("`#[{}]` cannot go on a `const fn`: a span is recorded at run time", kind.macro_name()),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, format_args!("`#[{}]` cannot go on a variadic function", kind.macro_name()));
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && matches!(**ty, syn::Type::Never(_))
    {
        errors.spanned(ty, format_args!("`#[{}]` cannot go on a function that never returns", kind.macro_name()));
    }
}

fn unknown_argument(kind: MacroKind, arg: &RawArg, errors: &mut Errors) {
    let name = arg.name.to_string();
    let accepted = kind.accepted();
    let list = accepted.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
    let message = match closest(&name, accepted.iter().copied()) {
        Some(suggestion) => {
            format!("unknown argument `{name}` of `#[{}]`; did you mean `{suggestion}`?", kind.macro_name())
        }
        None => format!("unknown argument `{name}` of `#[{}]`; it accepts {list}", kind.macro_name()),
    };
    errors.at(arg.name.span(), message);
}

fn expr_value<'a>(arg: &'a RawArg, errors: &mut Errors) -> Option<&'a Expr> {
    match &arg.value {
        RawValue::Expr(expr) => Some(expr),
        RawValue::Flag => {
            errors.at(arg.name.span(), format_args!("`{}` needs a value: `{} = ...`", arg.name, arg.name));
            None
        }
        RawValue::List(_) | RawValue::Names(_) => {
            errors.at(arg.name.span(), format_args!("`{}` takes a value, not a list: `{} = ...`", arg.name, arg.name));
            None
        }
    }
}

pub(crate) fn string_literal(expr: &Expr) -> Option<&LitStr> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Some(lit),
        Expr::Group(group) => string_literal(&group.expr),
        _ => None,
    }
}

/// `server = "host:port"`: split at compile time into `server.address` and `server.port`.
fn server_attributes(value: &Expr, conflicting: Option<&RawArg>, args: &mut SpanArgs, errors: &mut Errors) {
    if let Some(other) = conflicting {
        errors
            .at(other.name.span(), "give either `server = \"host:port\"` or `server_address`/`server_port`, not both");
    }
    let Some(literal) = string_literal(value) else {
        errors.spanned(value, "`server` takes a string literal \"host:port\"; for values known at run time use `server_address = ...` and `server_port = ...`");
        return;
    };
    match split_server(&literal.value()) {
        Ok((host, port)) => {
            let at = literal.to_token_stream();
            push_known(args, Some("server.address"), &at, AttrValue::Str(host, literal.span()), errors);
            if let Some(port) = port {
                push_known(args, Some("server.port"), &at, AttrValue::Int(port, literal.span()), errors);
            }
        }
        Err(problem) => errors.spanned(literal, problem),
    }
}

fn split_server(text: &str) -> Result<(String, Option<u16>), String> {
    if let Some((scheme, _)) = text.split_once("://") {
        return Err(format!(
            "`{text}` is a URL; write the host and port without `{scheme}://`, such as \"api.openai.com:443\""
        ));
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        // [IPv6]:port
        let Some((host, after)) = rest.split_once(']') else {
            return Err(format!("`{text}` is missing the closing `]` of its IPv6 address"));
        };
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') => (host, Some(port)),
            Some(_) => return Err(format!("`{text}`: write an IPv6 address in brackets, `[::1]:443`")),
            None => (text, None),
        }
    };
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
        return Err(format!("`{text}` is not a server address: write \"host:port\", such as \"api.openai.com:443\""));
    }
    let port = match port {
        Some(port) => Some(
            port.parse::<u16>()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| format!("`{port}` is not a port number (1 to 65535)"))?,
        ),
        None => None,
    };
    Ok((host.to_owned(), port))
}

#[cfg(test)]
mod tests {
    use super::split_server;

    #[test]
    fn server_literals() {
        assert_eq!(split_server("api.openai.com:443"), Ok(("api.openai.com".to_owned(), Some(443))));
        assert_eq!(split_server("localhost"), Ok(("localhost".to_owned(), None)));
        assert_eq!(split_server("[::1]:8080"), Ok(("::1".to_owned(), Some(8080))));
        assert!(split_server("host:99999").is_err());
        assert!(split_server("::1").is_err());
        assert!(split_server("https://api.openai.com").is_err());
    }
}
