//! What token usage costs: a table of prices per model, turned into `gen_ai.usage.cost`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde_json::Value;

use super::totals::Usage;
use crate::TokenCount;

/// Prices of one model, in USD per million tokens.
///
/// Cached input tokens are part of the input tokens (as the conventions count them): the
/// input price applies to the input tokens that were neither read from nor written to the
/// provider's cache, `cache_read` to those read from it and `cache_write` to those
/// written to it (each the input price when not given). Reasoning tokens are output tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// Per million input tokens.
    pub input: f64,
    /// Per million output tokens.
    pub output: f64,
    /// Per million input tokens read from the provider's cache.
    pub cache_read: Option<f64>,
    /// Per million input tokens written to the provider's cache.
    pub cache_write: Option<f64>,
}

impl Price {
    /// A price of `input` and `output` USD per million tokens.
    pub const fn new(input: f64, output: f64) -> Price {
        Price { input, output, cache_read: None, cache_write: None }
    }

    /// With a price for cache reads.
    pub const fn cache_read(mut self, per_million: f64) -> Price {
        self.cache_read = Some(per_million);
        self
    }

    /// With a price for cache writes.
    pub const fn cache_write(mut self, per_million: f64) -> Price {
        self.cache_write = Some(per_million);
        self
    }

    /// What `usage` costs at this price, in USD; `None` without input or output tokens.
    pub(crate) fn cost(&self, usage: &Usage) -> Option<f64> {
        let input = usage.get(TokenCount::Input);
        let output = usage.get(TokenCount::Output);
        if input.is_none() && output.is_none() {
            return None;
        }
        let read = usage.get(TokenCount::CacheReadInput).unwrap_or(0);
        let written = usage.get(TokenCount::CacheCreationInput).unwrap_or(0);
        let plain = input.unwrap_or(0).saturating_sub(read).saturating_sub(written);
        let per_million = plain as f64 * self.input
            + read as f64 * self.cache_read.unwrap_or(self.input)
            + written as f64 * self.cache_write.unwrap_or(self.input)
            + output.unwrap_or(0) as f64 * self.output;
        Some(per_million / 1_000_000.0)
    }
}

/// Prices per provider and model, which turn token usage into `gen_ai.usage.cost` on
/// inference spans, the `gen_ai.usage.cost` metric and the `otel_genai.total.cost` of
/// agent and workflow spans.
///
/// A model is found by its exact name or, failing that, as a dated or `-latest` variant of
/// a priced name (`gpt-4o-2024-08-06` is priced as `gpt-4o`; `o3-pro` is not `o3`). The response model is
/// looked up first, then the request model. A model with no price costs nothing: its cost
/// is not recorded, and the first call to it says so once, on standard error or the writer
/// given to [`init_with_diagnostics`](crate::init_with_diagnostics) (unless
/// [`quiet`](Pricing::quiet)).
///
/// ```
/// use otel_genai::{Price, Pricing};
///
/// let pricing = Pricing::builtin().with("openai", "my-finetune", Price::new(3.0, 12.0).cache_read(1.5));
/// otel_genai::set_pricing(pricing);
///
/// let from_file = Pricing::from_json(r#"{
///     "date": "2026-11-01",
///     "prices": { "anthropic": { "claude-sonnet-4": { "input": 3.0, "output": 15.0, "cache_read": 0.3 } } }
/// }"#)?;
/// assert_eq!(from_file.date(), Some("2026-11-01"));
/// # Ok::<(), otel_genai::PricingError>(())
/// ```
#[derive(Debug, Default)]
pub struct Pricing {
    prices: HashMap<String, HashMap<String, Price>>,
    date: Option<String>,
    quiet: bool,
    unknown: Mutex<HashSet<(String, String)>>,
}

impl Clone for Pricing {
    fn clone(&self) -> Self {
        Pricing { prices: self.prices.clone(), date: self.date.clone(), quiet: self.quiet, unknown: Mutex::default() }
    }
}

/// A price table that could not be read: what is wrong and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PricingError {
    /// The text is not JSON.
    #[error("the price table is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The text is not TOML: the parser's message, which says where.
    #[error("the price table is not TOML: {0}")]
    Toml(String),
    /// The document is not a price table.
    #[error("invalid price table at {at}: {problem}")]
    Shape {
        /// Where: `prices.openai.gpt-4o.input`.
        at: String,
        /// What is wrong there.
        problem: String,
    },
    /// The file could not be read, or is neither `.json` nor `.toml`.
    #[error("cannot read the price table {}: {problem}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: String,
    },
    /// The file was read, and what it holds is wrong.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        source: Box<PricingError>,
    },
}

fn shape(at: impl Into<String>, problem: impl Into<String>) -> PricingError {
    PricingError::Shape { at: at.into(), problem: problem.into() }
}

fn object<'a>(value: &'a Value, at: &str) -> Result<&'a serde_json::Map<String, Value>, PricingError> {
    value.as_object().ok_or_else(|| shape(at, "expected an object"))
}

fn read_price(value: &Value, at: &str) -> Result<Price, PricingError> {
    let fields = object(value, at)?;
    let number = |name: &str| -> Result<Option<f64>, PricingError> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => match value.as_f64() {
                Some(number) if number >= 0.0 => Ok(Some(number)),
                _ => Err(shape(
                    format!("{at}.{name}"),
                    format!("expected a price in USD per million tokens, found {value}"),
                )),
            },
        }
    };
    if let Some(unknown) =
        fields.keys().find(|key| !["input", "output", "cache_read", "cache_write"].contains(&key.as_str()))
    {
        return Err(shape(
            format!("{at}.{unknown}"),
            "unknown field; a price has `input`, `output`, `cache_read` and `cache_write`",
        ));
    }
    let required = |name: &str| number(name)?.ok_or_else(|| shape(format!("{at}.{name}"), "missing"));
    Ok(Price {
        input: required("input")?,
        output: required("output")?,
        cache_read: number("cache_read")?,
        cache_write: number("cache_write")?,
    })
}

/// A TOML document as JSON, its dates as text, for the one reader of both.
#[cfg(feature = "toml")]
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => Value::from(number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(date) => Value::String(date.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(key, value)| (key, toml_to_json(value))).collect())
        }
    }
}

/// The date the built-in prices were taken from the providers' price pages.
pub const BUILTIN_PRICES_DATE: &str = "2025-06-01";

impl Pricing {
    /// An empty table: nothing is priced.
    pub fn new() -> Pricing {
        Pricing::default()
    }

    /// A small table of widely used models, as their providers published the prices on
    /// [`BUILTIN_PRICES_DATE`]. Prices change: set your own for anything that matters.
    pub fn builtin() -> Pricing {
        let mut pricing = Pricing { date: Some(BUILTIN_PRICES_DATE.to_owned()), ..Pricing::default() };
        for (provider, model, price) in [
            ("openai", "gpt-4o", Price::new(2.5, 10.0).cache_read(1.25)),
            ("openai", "gpt-4o-mini", Price::new(0.15, 0.6).cache_read(0.075)),
            ("openai", "gpt-4.1", Price::new(2.0, 8.0).cache_read(0.5)),
            ("openai", "gpt-4.1-mini", Price::new(0.4, 1.6).cache_read(0.1)),
            ("openai", "gpt-4.1-nano", Price::new(0.1, 0.4).cache_read(0.025)),
            ("openai", "o3", Price::new(2.0, 8.0).cache_read(0.5)),
            ("openai", "o4-mini", Price::new(1.1, 4.4).cache_read(0.275)),
            ("openai", "text-embedding-3-small", Price::new(0.02, 0.0)),
            ("openai", "text-embedding-3-large", Price::new(0.13, 0.0)),
            ("anthropic", "claude-sonnet-4", Price::new(3.0, 15.0).cache_read(0.3).cache_write(3.75)),
            ("anthropic", "claude-opus-4", Price::new(15.0, 75.0).cache_read(1.5).cache_write(18.75)),
            ("anthropic", "claude-3-5-haiku", Price::new(0.8, 4.0).cache_read(0.08).cache_write(1.0)),
        ] {
            pricing = pricing.with(provider, model, price);
        }
        pricing
    }

    /// Reads a table from JSON: `{"date": "...", "prices": {provider: {model: {"input": ..,
    /// "output": .., "cache_read": .., "cache_write": ..}}}}`. Unknown fields are errors.
    pub fn from_json(text: &str) -> Result<Pricing, PricingError> {
        Pricing::from_document(&serde_json::from_str(text)?)
    }

    /// Reads a table from TOML (feature `toml`), the same fields as [`from_json`](Pricing::from_json):
    ///
    /// ```
    /// # #[cfg(feature = "toml")] {
    /// let pricing = otel_genai::Pricing::from_toml(r#"
    ///     date = 2026-11-01
    ///
    ///     [prices.anthropic.claude-sonnet-4]
    ///     input = 3.0
    ///     output = 15.0
    ///     cache_read = 0.3
    ///
    ///     [prices.openai."gpt-4.1"]
    ///     input = 2
    ///     output = 8
    /// "#)?;
    /// assert_eq!(pricing.date(), Some("2026-11-01"));
    /// assert_eq!(pricing.price("openai", "gpt-4.1-2025-04-14"), Some(otel_genai::Price::new(2.0, 8.0)));
    /// # }
    /// # Ok::<(), otel_genai::PricingError>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Pricing, PricingError> {
        let table: toml::Table = toml::from_str(text).map_err(|error| PricingError::Toml(error.to_string()))?;
        Pricing::from_document(&toml_to_json(toml::Value::Table(table)))
    }

    /// Reads a table from a `.json` file, or a `.toml` file (feature `toml`). Errors name
    /// the file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Pricing, PricingError> {
        let path = path.as_ref();
        let unreadable = |problem: String| PricingError::Unreadable { path: path.to_owned(), problem };
        let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or("");
        let read: fn(&str) -> Result<Pricing, PricingError> = match extension.to_ascii_lowercase().as_str() {
            "json" => Pricing::from_json,
            #[cfg(feature = "toml")]
            "toml" => Pricing::from_toml,
            #[cfg(not(feature = "toml"))]
            "toml" => {
                return Err(unreadable(
                    "TOML price tables need the `toml` feature of otel-genai; turn it on or write the table as JSON"
                        .into(),
                ));
            }
            _ => return Err(unreadable("expected a .json or .toml file".into())),
        };
        let text = std::fs::read_to_string(path).map_err(|error| unreadable(error.to_string()))?;
        read(&text).map_err(|error| PricingError::InFile { path: path.to_owned(), source: Box::new(error) })
    }

    fn from_document(document: &Value) -> Result<Pricing, PricingError> {
        let top = object(document, "the top level")?;
        if let Some(unknown) = top.keys().find(|key| !["date", "prices"].contains(&key.as_str())) {
            return Err(shape(unknown.as_str(), "unknown field; a price table has `date` and `prices`"));
        }
        let date = match top.get("date") {
            None | Some(Value::Null) => None,
            Some(Value::String(date)) => Some(date.clone()),
            Some(other) => return Err(shape("date", format!("expected a string, found {other}"))),
        };
        let mut pricing = Pricing { date, ..Pricing::default() };
        let providers = top.get("prices").ok_or_else(|| shape("prices", "missing"))?;
        for (provider, models) in object(providers, "prices")? {
            for (model, price) in object(models, &format!("prices.{provider}"))? {
                let price = read_price(price, &format!("prices.{provider}.{model}"))?;
                pricing = pricing.with(provider, model, price);
            }
        }
        Ok(pricing)
    }

    /// With `price` for `model` of `provider` (a `gen_ai.provider.name` value).
    pub fn with(mut self, provider: &str, model: &str, price: Price) -> Pricing {
        self.prices.entry(provider.to_owned()).or_default().insert(model.to_owned(), price);
        self
    }

    /// Says nothing about models without a price.
    pub fn quiet(mut self) -> Pricing {
        self.quiet = true;
        self
    }

    /// The date the prices were taken, when the table says.
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }

    /// The price of `model` of `provider`: by its exact name, or as a dated or `-latest`
    /// variant of a priced name (`o3-pro` is another model than `o3`).
    pub fn price(&self, provider: &str, model: &str) -> Option<Price> {
        let models = self.prices.get(provider)?;
        if let Some(price) = models.get(model) {
            return Some(*price);
        }
        let variant_of = |name: &str| {
            model
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|suffix| suffix == "latest" || suffix.as_bytes().first().is_some_and(u8::is_ascii_digit))
        };
        models.iter().filter(|(name, _)| variant_of(name)).max_by_key(|(name, _)| name.len()).map(|(_, price)| *price)
    }

    fn say_unknown(&self, provider: &str, model: &str) {
        if self.quiet {
            return;
        }
        let mut unknown = self.unknown.lock().unwrap_or_else(PoisonError::into_inner);
        if unknown.insert((provider.to_owned(), model.to_owned())) {
            crate::diagnostics::say(&format!(
                "no price for {provider} model {model:?}: its calls cost nothing in the telemetry; add one with otel_genai::set_pricing (or Pricing::quiet to not be told)"
            ));
        }
    }
}

static PRICING: RwLock<Option<Arc<Pricing>>> = RwLock::new(None);
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Makes `pricing` the table every span prices its usage with, from the next call on. Until
/// it is called, [`Pricing::builtin`] is used.
pub fn set_pricing(pricing: Pricing) {
    *PRICING.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(pricing));
    GENERATION.fetch_add(1, Ordering::Release);
}

/// The table in use.
fn pricing() -> Arc<Pricing> {
    if let Some(pricing) = PRICING.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
        return pricing.clone();
    }
    let mut slot = PRICING.write().unwrap_or_else(PoisonError::into_inner);
    slot.get_or_insert_with(|| Arc::new(Pricing::builtin())).clone()
}

/// The prices this thread looked up in the table in use: most programs call a handful of
/// models, and a span should not search the table each time.
struct Resolved {
    generation: u64,
    /// Provider, model, its price, and whether its lack of one was told.
    entries: Vec<(String, String, Option<Price>, bool)>,
}

thread_local! {
    static RESOLVED: RefCell<Resolved> = const { RefCell::new(Resolved { generation: u64::MAX, entries: Vec::new() }) };
}

/// Looks at most this many prices up per thread and keeps them; beyond, each lookup
/// searches the table.
const RESOLVED_MAX: usize = 64;

/// The price of `model` of `provider` in the table in use, looked up once per thread.
pub(crate) fn price(provider: &str, model: &str) -> Option<Price> {
    RESOLVED
        .try_with(|resolved| {
            let mut resolved = resolved.borrow_mut();
            let generation = GENERATION.load(Ordering::Acquire);
            if resolved.generation != generation {
                resolved.entries.clear();
                resolved.generation = generation;
            }
            if let Some((.., price, _)) = resolved.entries.iter().find(|(p, m, ..)| p == provider && m == model) {
                return *price;
            }
            let price = pricing().price(provider, model);
            if resolved.entries.len() == RESOLVED_MAX {
                resolved.entries.remove(0);
            }
            resolved.entries.push((provider.to_owned(), model.to_owned(), price, false));
            price
        })
        .unwrap_or_else(|_| pricing().price(provider, model))
}

/// Says once (per thread and table, and once per process in the table) that `model` of
/// `provider` has no price.
pub(crate) fn tell_unpriced(provider: &str, model: &str) {
    let first = RESOLVED.try_with(|resolved| {
        let mut resolved = resolved.borrow_mut();
        match resolved.entries.iter_mut().find(|(p, m, ..)| p == provider && m == model) {
            Some(entry) if entry.3 => false,
            Some(entry) => {
                entry.3 = true;
                true
            }
            None => true,
        }
    });
    if first.unwrap_or(true) {
        pricing().say_unknown(provider, model);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(feature = "toml"))]
    #[test]
    fn a_toml_table_without_the_feature_says_which_feature() {
        let error = Pricing::from_file("prices.toml").unwrap_err().to_string();
        assert!(error.contains("TOML price tables need the `toml` feature of otel-genai"), "{error}");
        assert!(error.contains("prices.toml"), "{error}");
    }

    fn usage(pairs: &[(TokenCount, u64)]) -> Usage {
        let mut usage = Usage::default();
        for (count, tokens) in pairs {
            usage.set(*count, *tokens);
        }
        usage
    }

    #[test]
    fn cached_tokens_are_priced_as_parts_of_the_input() {
        let price = Price::new(3.0, 15.0).cache_read(0.3).cache_write(3.75);
        let used = usage(&[
            (TokenCount::Input, 1_000_000),
            (TokenCount::CacheReadInput, 400_000),
            (TokenCount::CacheCreationInput, 100_000),
            (TokenCount::Output, 200_000),
        ]);
        // 500k plain input at 3, 400k read at 0.3, 100k written at 3.75, 200k output at 15.
        let expected = 1.5 + 0.12 + 0.375 + 3.0;
        assert!((price.cost(&used).unwrap() - expected).abs() < 1e-12);
    }

    #[test]
    fn dated_model_names_find_their_family() {
        let pricing = Pricing::builtin();
        assert_eq!(pricing.price("openai", "gpt-4o-2024-08-06"), pricing.price("openai", "gpt-4o"));
        assert_eq!(pricing.price("openai", "gpt-4o-mini-2024-07-18"), pricing.price("openai", "gpt-4o-mini"));
        assert_eq!(pricing.price("openai", "gpt-4oo"), None);
        assert_eq!(pricing.price("openai", "o3-pro"), None, "another model, not a dated o3");
        assert_eq!(pricing.price("openai", "gpt-4o-realtime-preview"), None);
        assert_eq!(
            pricing.price("anthropic", "claude-sonnet-4-20250514"),
            pricing.price("anthropic", "claude-sonnet-4")
        );
        assert_eq!(pricing.price("anthropic", "claude-sonnet-4-latest"), pricing.price("anthropic", "claude-sonnet-4"));
        assert_eq!(pricing.price("nobody", "gpt-4o"), None);
    }

    #[test]
    fn the_thread_looks_prices_up_in_the_table_in_use() {
        set_pricing(Pricing::new().quiet().with("p", "a", Price::new(1.0, 0.0)));
        let used = usage(&[(TokenCount::Input, 1_000_000)]);
        assert_eq!(price("p", "a").and_then(|price| price.cost(&used)), Some(1.0));
        assert_eq!(price("p", "x"), None);
        // A new table is used from the next lookup on, although the thread kept the old price.
        set_pricing(Pricing::new().with("p", "a", Price::new(3.0, 0.0)).with("p", "x", Price::new(2.0, 0.0)));
        assert_eq!(price("p", "a").and_then(|price| price.cost(&used)), Some(3.0));
        assert_eq!(price("p", "x").and_then(|price| price.cost(&used)), Some(2.0));
        assert_eq!(Price::new(1.0, 1.0).cost(&Usage::default()), None, "no usage, no cost");
    }

    #[test]
    fn tables_load_from_json_and_refuse_unknown_fields() {
        let pricing = Pricing::from_json(r#"{"prices": {"openai": {"m": {"input": 1, "output": 2}}}}"#).unwrap();
        assert_eq!(pricing.price("openai", "m"), Some(Price::new(1.0, 2.0)));
        let error = Pricing::from_json(r#"{"prices": {"openai": {"m": {"input": 1, "outptu": 2}}}}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid price table at prices.openai.m.outptu: unknown field; a price has `input`, `output`, `cache_read` and `cache_write`"
        );
        let error = Pricing::from_json(r#"{"prices": {"openai": {"m": {"input": "1", "output": 2}}}}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"invalid price table at prices.openai.m.input: expected a price in USD per million tokens, found "1""#
        );
    }
}
