//! What [`init_with`](crate::init_with) sets up, read from the standard `OTEL_*` variables
//! and adjusted in code.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use opentelemetry_sdk::trace::Sampler;

use super::InitError;

/// One telemetry signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Signal {
    /// Spans.
    Traces,
    /// Histograms and counters.
    Metrics,
    /// Log records: the conventions' events.
    Logs,
}

impl Signal {
    /// The three signals, in the order the variables name them.
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// `TRACES`, `METRICS` or `LOGS`, as in `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    fn upper(self) -> &'static str {
        match self {
            Signal::Traces => "TRACES",
            Signal::Metrics => "METRICS",
            Signal::Logs => "LOGS",
        }
    }

    /// The path an OTLP/HTTP receiver takes this signal on.
    pub fn http_path(self) -> &'static str {
        match self {
            Signal::Traces => "/v1/traces",
            Signal::Metrics => "/v1/metrics",
            Signal::Logs => "/v1/logs",
        }
    }

    fn index(self) -> usize {
        match self {
            Signal::Traces => 0,
            Signal::Metrics => 1,
            Signal::Logs => 2,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        })
    }
}

/// Where a signal goes (`OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`, `OTEL_LOGS_EXPORTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Exporter {
    /// OTLP to the configured endpoint (needs the `otlp` feature).
    Otlp,
    /// Standard output: traces as trees, metrics and events as lines.
    Console,
}

/// The OTLP wire protocol (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// `grpc`: OTLP/gRPC, usually on port 4317.
    Grpc,
    /// `http/protobuf`: binary protobuf over HTTP, usually on port 4318.
    HttpProtobuf,
    /// `http/json`: JSON over HTTP, usually on port 4318.
    HttpJson,
}

impl Protocol {
    /// The name the variables use.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::HttpJson => "http/json",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How cumulative or delta the exported sums and histograms are
/// (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`): the SDK's own type.
pub use opentelemetry_sdk::metrics::Temporality;

/// The files that secure an `https://` OTLP endpoint (the `otlp-tls` feature): each is PEM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsFiles {
    /// The certificates the collector's must chain to (`OTEL_EXPORTER_OTLP_CERTIFICATE`), in
    /// place of the system's trusted roots.
    pub certificate: Option<PathBuf>,
    /// The client certificate chain for mutual TLS (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`).
    pub client_certificate: Option<PathBuf>,
    /// Its private key (`OTEL_EXPORTER_OTLP_CLIENT_KEY`).
    pub client_key: Option<PathBuf>,
}

impl TlsFiles {
    /// This signal's files, each falling back to the one given for every signal.
    fn or(&self, every: &TlsFiles) -> TlsFiles {
        TlsFiles {
            certificate: self.certificate.clone().or_else(|| every.certificate.clone()),
            client_certificate: self.client_certificate.clone().or_else(|| every.client_certificate.clone()),
            client_key: self.client_key.clone().or_else(|| every.client_key.clone()),
        }
    }
}

/// Where and how one signal is sent over OTLP.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OtlpTarget {
    /// The full URL: for HTTP, including the signal's path (`/v1/traces`).
    pub endpoint: String,
    /// The protocol.
    pub protocol: Protocol,
    /// Headers sent with every export (authentication, tenant, ...).
    pub headers: Vec<(String, String)>,
    /// How long one export may take.
    pub timeout: Duration,
    /// Trusted roots and client identity for an `https://` endpoint.
    pub tls: TlsFiles,
}

/// Everything [`init_with`](crate::init_with) installs: read from the standard variables by
/// [`Config::from_env`], then adjusted in code.
///
/// ```
/// use otel_genai::init::{Config, Exporter, Signal};
///
/// let config = Config::default()
///     .service_name("research-agent")
///     .resource_attribute("deployment.environment.name", "staging")
///     .otlp_endpoint("http://127.0.0.1:4317")
///     .exporters(Signal::Metrics, []);
/// assert_eq!(config.otlp_target(Signal::Traces).unwrap().endpoint, "http://127.0.0.1:4317");
/// assert!(config.otlp_target(Signal::Metrics).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) disabled: bool,
    pub(crate) service_name: Option<String>,
    pub(crate) resource: Vec<(String, String)>,
    /// Per signal: `None` until set, so the default follows the endpoint.
    exporters: [Option<Vec<Exporter>>; 3],
    /// OTLP settings of every signal, and of each (which win).
    otlp: OtlpSettings,
    signal_otlp: [OtlpSettings; 3],
    pub(crate) sampler: SamplerChoice,
    pub(crate) metric_interval: Duration,
    pub(crate) temporality: Temporality,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) announce: bool,
    pub(crate) pricing_file: Option<PathBuf>,
}

impl Default for Config {
    /// Nothing read from the environment: console trees, no OTLP, every trace sampled.
    fn default() -> Self {
        Config {
            disabled: false,
            service_name: None,
            resource: Vec::new(),
            exporters: [None, None, None],
            otlp: OtlpSettings::default(),
            signal_otlp: Default::default(),
            sampler: SamplerChoice::ParentBased(RootSampler::AlwaysOn),
            metric_interval: Duration::from_secs(60),
            temporality: Temporality::Cumulative,
            shutdown_timeout: Duration::from_secs(5),
            announce: true,
            pricing_file: None,
        }
    }
}

/// The sampler `OTEL_TRACES_SAMPLER` names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SamplerChoice {
    Root(RootSampler),
    ParentBased(RootSampler),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RootSampler {
    AlwaysOn,
    AlwaysOff,
    Ratio(f64),
}

impl SamplerChoice {
    pub(crate) fn build(self) -> Sampler {
        fn root(sampler: RootSampler) -> Sampler {
            match sampler {
                RootSampler::AlwaysOn => Sampler::AlwaysOn,
                RootSampler::AlwaysOff => Sampler::AlwaysOff,
                RootSampler::Ratio(ratio) => Sampler::TraceIdRatioBased(ratio),
            }
        }
        match self {
            SamplerChoice::Root(sampler) => root(sampler),
            SamplerChoice::ParentBased(sampler) => Sampler::ParentBased(Box::new(root(sampler))),
        }
    }
}

/// The variable naming a price table file for [`Config::pricing_file`].
pub const PRICING_FILE_ENV: &str = "OTEL_GENAI_PRICING_FILE";

const SAMPLERS: &str =
    "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio";

impl Config {
    /// The configuration the standard variables describe; an invalid value is an error that
    /// names the variable, the value and what is accepted.
    pub fn from_env() -> Result<Config, InitError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// The configuration the variables `lookup` returns describe (for tests and for
    /// applications that keep their settings elsewhere).
    ///
    /// ```
    /// use otel_genai::init::{Config, Protocol, Signal};
    ///
    /// let config = Config::from_lookup(|name| match name {
    ///     "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://collector:4318".into()),
    ///     "OTEL_EXPORTER_OTLP_HEADERS" => Some("x-team=genai,authorization=Basic%20c2s6cGs=".into()),
    ///     _ => None,
    /// })
    /// .unwrap();
    /// let traces = config.otlp_target(Signal::Traces).unwrap();
    /// assert_eq!(traces.endpoint, "http://collector:4318/v1/traces");
    /// assert_eq!(traces.protocol, Protocol::HttpProtobuf);
    /// assert_eq!(traces.headers[1], ("authorization".into(), "Basic c2s6cGs=".into()));
    ///
    /// let error = Config::from_lookup(|name| (name == "OTEL_TRACES_SAMPLER").then(|| "sometimes".into()))
    ///     .unwrap_err();
    /// assert!(error.to_string().starts_with("OTEL_TRACES_SAMPLER=\"sometimes\""));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, InitError> {
        let var = |name: &str| lookup(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty());
        let mut config = Config::default();
        if let Some(value) = var("OTEL_SDK_DISABLED") {
            config.disabled = parse_bool("OTEL_SDK_DISABLED", &value)?;
        }
        config.service_name = var("OTEL_SERVICE_NAME");
        if let Some(value) = var("OTEL_RESOURCE_ATTRIBUTES") {
            config.resource = parse_pairs("OTEL_RESOURCE_ATTRIBUTES", &value)?;
        }
        config.otlp = OtlpSettings::from_vars(&var, "OTEL_EXPORTER_OTLP_")?;
        for signal in Signal::ALL {
            config.signal_otlp[signal.index()] =
                OtlpSettings::from_vars(&var, &format!("OTEL_EXPORTER_OTLP_{}_", signal.upper()))?;
            let exporter = format!("OTEL_{}_EXPORTER", signal.upper());
            if let Some(value) = var(&exporter) {
                config = config.exporters(signal, parse_exporters(&exporter, &value)?);
            }
        }
        let argument = var("OTEL_TRACES_SAMPLER_ARG");
        if let Some(value) = var("OTEL_TRACES_SAMPLER") {
            config.sampler = parse_sampler(&value, argument.as_deref())?;
        }
        if let Some(value) = var("OTEL_METRIC_EXPORT_INTERVAL") {
            config.metric_interval = parse_millis("OTEL_METRIC_EXPORT_INTERVAL", &value)?;
            if config.metric_interval.is_zero() {
                return Err(InitError::invalid(
                    "OTEL_METRIC_EXPORT_INTERVAL",
                    &value,
                    "a number of milliseconds above 0",
                ));
            }
        }
        if let Some(value) = var("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE") {
            config.temporality = value.parse().map_err(|()| {
                InitError::invalid(
                    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
                    &value,
                    "cumulative, delta or lowmemory",
                )
            })?;
        }
        config.pricing_file = var(PRICING_FILE_ENV).map(PathBuf::from);
        Ok(config)
    }

    /// Installs nothing (as `OTEL_SDK_DISABLED=true`): the instrumented code runs, nothing is
    /// recorded.
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }

    /// The `service.name` resource attribute (wins over `OTEL_SERVICE_NAME` and
    /// `OTEL_RESOURCE_ATTRIBUTES`).
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// One more resource attribute (replacing one of the same key).
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.resource.retain(|(k, _)| *k != key);
        self.resource.push((key, value.into()));
        self
    }

    /// The OTLP endpoint of every signal (as `OTEL_EXPORTER_OTLP_ENDPOINT`: for HTTP, the
    /// signal's path is appended). Setting it makes OTLP the default exporter.
    pub fn otlp_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.otlp.endpoint = Some(endpoint.into());
        self
    }

    /// One signal's OTLP endpoint, used as given (as `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
    pub fn signal_endpoint(mut self, signal: Signal, endpoint: impl Into<String>) -> Self {
        self.signal_otlp[signal.index()].endpoint = Some(endpoint.into());
        self
    }

    /// The OTLP protocol of every signal.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.otlp.protocol = Some(protocol);
        self
    }

    /// One more header sent with every OTLP export (replacing one of the same name).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let headers = self.otlp.headers.get_or_insert_default();
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        headers.push((name, value.into()));
        self
    }

    /// How long one OTLP export may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.otlp.timeout = Some(timeout);
        self
    }

    /// Trust only the certificates in this PEM file for `https://` collectors, in place of
    /// the system's roots (as `OTEL_EXPORTER_OTLP_CERTIFICATE`; needs the `otlp-tls` feature).
    pub fn certificate(mut self, path: impl Into<PathBuf>) -> Self {
        self.otlp.tls.certificate = Some(path.into());
        self
    }

    /// Present this certificate chain and key (PEM files) to `https://` collectors that ask
    /// for mutual TLS (as `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` and `..._CLIENT_KEY`).
    pub fn client_identity(mut self, certificate: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.otlp.tls.client_certificate = Some(certificate.into());
        self.otlp.tls.client_key = Some(key.into());
        self
    }

    /// Where a signal goes: any of OTLP and the console, or nowhere (`[]`).
    pub fn exporters(mut self, signal: Signal, exporters: impl IntoIterator<Item = Exporter>) -> Self {
        let mut chosen = Vec::new();
        for exporter in exporters {
            if !chosen.contains(&exporter) {
                chosen.push(exporter);
            }
        }
        self.exporters[signal.index()] = Some(chosen);
        self
    }

    /// The fraction of new traces recorded (children follow their parent's decision).
    pub fn sample_ratio(mut self, ratio: f64) -> Self {
        self.sampler = SamplerChoice::ParentBased(RootSampler::Ratio(ratio.clamp(0.0, 1.0)));
        self
    }

    /// How often metrics are exported.
    pub fn metric_interval(mut self, interval: Duration) -> Self {
        self.metric_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Delta or cumulative sums and histograms.
    pub fn temporality(mut self, temporality: Temporality) -> Self {
        self.temporality = temporality;
        self
    }

    /// How long dropping the [`Telemetry`](crate::Telemetry) guard may take to flush (5 s
    /// unless set).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Prices model calls with the table in `path` (`.json`, or `.toml` with the `toml`
    /// feature), read by `init`: see [`Pricing::from_file`](crate::Pricing::from_file). Set by
    /// `OTEL_GENAI_PRICING_FILE` too; without either, the built-in table is used.
    pub fn pricing_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.pricing_file = Some(path.into());
        self
    }

    /// Whether `init` says on standard error where OTLP data goes (on unless set).
    pub fn announce(mut self, announce: bool) -> Self {
        self.announce = announce;
        self
    }

    /// Where a signal goes. Unless set, OTLP when an endpoint for it is configured; else
    /// the console tree for traces, and nothing for metrics and logs.
    pub fn exporters_of(&self, signal: Signal) -> Vec<Exporter> {
        match &self.exporters[signal.index()] {
            Some(chosen) => chosen.clone(),
            None if self.otlp.endpoint.is_some() || self.signal_otlp[signal.index()].endpoint.is_some() => {
                vec![Exporter::Otlp]
            }
            None if signal == Signal::Traces => vec![Exporter::Console],
            None => Vec::new(),
        }
    }

    /// Where and how a signal is sent over OTLP; `None` when it is not.
    ///
    /// With no protocol set, an endpoint on port 4317 (the OTLP/gRPC port) is spoken to in
    /// gRPC and every other in `http/protobuf` (the specification's default); with no
    /// endpoint, the protocol's local default (`http://localhost:4317` or `:4318`).
    pub fn otlp_target(&self, signal: Signal) -> Option<OtlpTarget> {
        if !self.exporters_of(signal).contains(&Exporter::Otlp) {
            return None;
        }
        let (one, every) = (&self.signal_otlp[signal.index()], &self.otlp);
        let protocol = one.protocol.or(every.protocol).unwrap_or_else(|| {
            let endpoint = one.endpoint.as_deref().or(every.endpoint.as_deref()).unwrap_or("");
            if crate::address::host_and_port(endpoint).1 == Some(4317) {
                Protocol::Grpc
            } else {
                Protocol::HttpProtobuf
            }
        });
        let endpoint = match (&one.endpoint, &every.endpoint, protocol) {
            (Some(endpoint), _, _) => endpoint.clone(),
            (None, Some(base), Protocol::Grpc) => base.clone(),
            (None, Some(base), _) => format!("{}{}", base.trim_end_matches('/'), signal.http_path()),
            (None, None, Protocol::Grpc) => "http://localhost:4317".to_owned(),
            (None, None, _) => format!("http://localhost:4318{}", signal.http_path()),
        };
        let headers = one.headers.as_ref().or(every.headers.as_ref()).cloned().unwrap_or_default();
        let timeout = one.timeout.or(every.timeout).unwrap_or(DEFAULT_TIMEOUT);
        let tls = one.tls.or(&every.tls);
        Some(OtlpTarget { endpoint, protocol, headers, timeout, tls })
    }
}

/// How long one OTLP export may take, unless set.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The OTLP settings of every signal (`OTEL_EXPORTER_OTLP_*`) or of one
/// (`OTEL_EXPORTER_OTLP_TRACES_*`...): what is not set falls back to every signal's, then to
/// the defaults.
#[derive(Debug, Clone, Default)]
struct OtlpSettings {
    endpoint: Option<String>,
    protocol: Option<Protocol>,
    headers: Option<Vec<(String, String)>>,
    timeout: Option<Duration>,
    /// Read, and checked, when the exporter is built.
    tls: TlsFiles,
}

impl OtlpSettings {
    /// `{prefix}ENDPOINT`, `PROTOCOL`, `HEADERS`, `TIMEOUT`, `CERTIFICATE`,
    /// `CLIENT_CERTIFICATE` and `CLIENT_KEY`.
    fn from_vars(var: &impl Fn(&str) -> Option<String>, prefix: &str) -> Result<OtlpSettings, InitError> {
        let name = |what: &str| format!("{prefix}{what}");
        let (endpoint, protocol, headers, timeout) =
            (name("ENDPOINT"), name("PROTOCOL"), name("HEADERS"), name("TIMEOUT"));
        let path = |what: &str| var(&name(what)).map(PathBuf::from);
        Ok(OtlpSettings {
            endpoint: var(&endpoint).map(|value| check_url(&endpoint, value)).transpose()?,
            protocol: var(&protocol).map(|value| parse_protocol(&protocol, &value)).transpose()?,
            headers: var(&headers).map(|value| parse_pairs(&headers, &value)).transpose()?,
            timeout: var(&timeout).map(|value| parse_millis(&timeout, &value)).transpose()?,
            tls: TlsFiles {
                certificate: path("CERTIFICATE"),
                client_certificate: path("CLIENT_CERTIFICATE"),
                client_key: path("CLIENT_KEY"),
            },
        })
    }
}

fn check_url(variable: &str, value: String) -> Result<String, InitError> {
    let valid = match value.split_once("://") {
        Some((scheme, rest)) => matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.starts_with('/'),
        None => false,
    };
    if valid { Ok(value) } else { Err(InitError::invalid(variable, &value, "an http:// or https:// URL")) }
}

fn parse_bool(variable: &str, value: &str) -> Result<bool, InitError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(InitError::invalid(variable, value, "true or false")),
    }
}

fn parse_millis(variable: &str, value: &str) -> Result<Duration, InitError> {
    value
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| InitError::invalid(variable, value, "a whole number of milliseconds"))
}

fn parse_protocol(variable: &str, value: &str) -> Result<Protocol, InitError> {
    match value {
        "grpc" => Ok(Protocol::Grpc),
        "http/protobuf" => Ok(Protocol::HttpProtobuf),
        "http/json" => Ok(Protocol::HttpJson),
        _ => Err(InitError::invalid(variable, value, "grpc, http/protobuf or http/json")),
    }
}

/// The exporters a variable lists (`none` lists none).
fn parse_exporters(variable: &str, value: &str) -> Result<Vec<Exporter>, InitError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|name| *name != "none")
        .map(|name| match name {
            "otlp" => Ok(Exporter::Otlp),
            "console" => Ok(Exporter::Console),
            _ => Err(InitError::invalid(variable, value, "a comma-separated list of otlp, console and none")),
        })
        .collect()
}

fn parse_sampler(value: &str, argument: Option<&str>) -> Result<SamplerChoice, InitError> {
    let ratio = || -> Result<f64, InitError> {
        match argument {
            None => Ok(1.0),
            Some(argument) => argument
                .parse::<f64>()
                .ok()
                .filter(|ratio| (0.0..=1.0).contains(ratio))
                .ok_or_else(|| InitError::invalid("OTEL_TRACES_SAMPLER_ARG", argument, "a ratio from 0 to 1")),
        }
    };
    Ok(match value {
        "always_on" => SamplerChoice::Root(RootSampler::AlwaysOn),
        "always_off" => SamplerChoice::Root(RootSampler::AlwaysOff),
        "traceidratio" => SamplerChoice::Root(RootSampler::Ratio(ratio()?)),
        "parentbased_always_on" => SamplerChoice::ParentBased(RootSampler::AlwaysOn),
        "parentbased_always_off" => SamplerChoice::ParentBased(RootSampler::AlwaysOff),
        "parentbased_traceidratio" => SamplerChoice::ParentBased(RootSampler::Ratio(ratio()?)),
        _ => return Err(InitError::invalid("OTEL_TRACES_SAMPLER", value, SAMPLERS)),
    })
}

/// `key=value` pairs separated by commas, values percent-decoded (the W3C baggage format the
/// specification uses for resource attributes and headers).
fn parse_pairs(variable: &str, value: &str) -> Result<Vec<(String, String)>, InitError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in value.split(',').map(str::trim).filter(|item| !item.is_empty()) {
        let bad = || InitError::invalid(variable, value, "comma-separated key=value pairs, values percent-encoded");
        let (key, raw) = item.split_once('=').ok_or_else(bad)?;
        let key = key.trim();
        if key.is_empty() {
            return Err(bad());
        }
        let decoded = percent_decode(raw.trim()).ok_or_else(bad)?;
        pairs.retain(|(k, _)| k != key);
        pairs.push((key.to_owned(), decoded));
    }
    Ok(pairs)
}

fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, InitError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn a_pricing_file_is_named_by_its_variable() {
        assert_eq!(config(&[]).unwrap().pricing_file, None);
        let config = config(&[(PRICING_FILE_ENV, " /etc/prices.toml ")]).unwrap();
        assert_eq!(config.pricing_file, Some(PathBuf::from("/etc/prices.toml")));
    }

    #[test]
    fn nothing_set_prints_trees_and_exports_nothing() {
        let config = config(&[]).unwrap();
        assert_eq!(config.exporters_of(Signal::Traces), [Exporter::Console]);
        assert!(config.exporters_of(Signal::Metrics).is_empty());
        assert!(config.exporters_of(Signal::Logs).is_empty());
        assert!(Signal::ALL.iter().all(|signal| config.otlp_target(*signal).is_none()));
        assert_eq!(config.sampler, SamplerChoice::ParentBased(RootSampler::AlwaysOn));
    }

    #[test]
    fn the_grpc_port_means_grpc_and_any_other_http_protobuf() {
        let grpc = config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317")]).unwrap();
        for signal in Signal::ALL {
            let target = grpc.otlp_target(signal).unwrap();
            assert_eq!((target.endpoint.as_str(), target.protocol), ("http://localhost:4317", Protocol::Grpc));
        }
        let http = config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "https://cloud.langfuse.com/api/public/otel/")]).unwrap();
        let target = http.otlp_target(Signal::Metrics).unwrap();
        assert_eq!(target.endpoint, "https://cloud.langfuse.com/api/public/otel/v1/metrics");
        assert_eq!(target.protocol, Protocol::HttpProtobuf);
        let json =
            config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://h:4317"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]);
        assert_eq!(json.unwrap().otlp_target(Signal::Logs).unwrap().endpoint, "http://h:4317/v1/logs");
    }

    #[test]
    fn per_signal_settings_win_and_are_used_as_given() {
        let config = config(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/custom"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "a=1"),
            ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "b=2"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "700"),
            ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc"),
            ("OTEL_LOGS_EXPORTER", "console,otlp"),
        ])
        .unwrap();
        let traces = config.otlp_target(Signal::Traces).unwrap();
        assert_eq!(traces.endpoint, "http://traces:9999/custom");
        assert_eq!(traces.headers, [("a".to_owned(), "1".to_owned())]);
        assert_eq!(traces.timeout, Duration::from_millis(2500));
        let metrics = config.otlp_target(Signal::Metrics).unwrap();
        assert_eq!((metrics.endpoint.as_str(), metrics.protocol), ("http://collector:4318", Protocol::Grpc));
        assert_eq!(metrics.timeout, Duration::from_millis(700));
        assert_eq!(config.otlp_target(Signal::Logs).unwrap().headers, [("b".to_owned(), "2".to_owned())]);
        assert_eq!(config.exporters_of(Signal::Logs), [Exporter::Console, Exporter::Otlp]);
    }

    #[test]
    fn tls_files_fall_back_one_by_one_to_the_generic_variables() {
        let config = config(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318"),
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/otel/ca.pem"),
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/etc/otel/client.pem"),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/otel/client.key"),
            ("OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", "/etc/otel/logs-ca.pem"),
            ("OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY", "/etc/otel/metrics.key"),
        ])
        .unwrap();
        let files = |signal| config.otlp_target(signal).unwrap().tls;
        let path = |p: &str| Some(PathBuf::from(p));
        assert_eq!(
            files(Signal::Traces),
            TlsFiles {
                certificate: path("/etc/otel/ca.pem"),
                client_certificate: path("/etc/otel/client.pem"),
                client_key: path("/etc/otel/client.key"),
            }
        );
        assert_eq!(files(Signal::Logs).certificate, path("/etc/otel/logs-ca.pem"));
        assert_eq!(files(Signal::Logs).client_key, path("/etc/otel/client.key"));
        assert_eq!(files(Signal::Metrics).client_key, path("/etc/otel/metrics.key"));
        assert_eq!(files(Signal::Metrics).client_certificate, path("/etc/otel/client.pem"));
        let coded =
            Config::default().otlp_endpoint("https://c").certificate("ca.pem").client_identity("c.pem", "c.key");
        assert_eq!(coded.otlp_target(Signal::Traces).unwrap().tls.client_key, path("c.key"));
    }

    #[test]
    fn an_exporter_set_to_none_or_otlp_without_endpoint() {
        let config = config(&[("OTEL_TRACES_EXPORTER", "none"), ("OTEL_METRICS_EXPORTER", "otlp")]).unwrap();
        assert!(config.exporters_of(Signal::Traces).is_empty());
        assert_eq!(config.otlp_target(Signal::Metrics).unwrap().endpoint, "http://localhost:4318/v1/metrics");
    }

    #[test]
    fn resource_attributes_and_headers_are_percent_decoded() {
        let config = config(&[
            ("OTEL_SERVICE_NAME", "svc"),
            ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod, team=gen%20ai,team=genai"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20cGs6c2s%3D"),
        ])
        .unwrap();
        assert_eq!(config.service_name.as_deref(), Some("svc"));
        let resource: Vec<(&str, &str)> = config.resource.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(resource, [("deployment.environment.name", "prod"), ("team", "genai")]);
        assert_eq!(config.otlp.headers.unwrap(), [("Authorization".to_owned(), "Basic cGs6c2s=".to_owned())]);
    }

    #[test]
    fn samplers() {
        let ratio = config(&[("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"), ("OTEL_TRACES_SAMPLER_ARG", "0.25")]);
        assert_eq!(ratio.unwrap().sampler, SamplerChoice::ParentBased(RootSampler::Ratio(0.25)));
        let off = config(&[("OTEL_TRACES_SAMPLER", "always_off")]).unwrap();
        assert_eq!(off.sampler, SamplerChoice::Root(RootSampler::AlwaysOff));
    }

    #[test]
    fn every_invalid_value_names_the_variable_the_value_and_what_is_accepted() {
        let cases = [
            ("OTEL_SDK_DISABLED", "yes", "true or false"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4317", "an http:// or https:// URL"),
            ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "grpc://x", "an http:// or https:// URL"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http", "grpc, http/protobuf or http/json"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "json", "grpc, http/protobuf or http/json"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "Authorization Basic x", "comma-separated key=value pairs"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "k=%zz", "comma-separated key=value pairs"),
            ("OTEL_RESOURCE_ATTRIBUTES", "=v", "comma-separated key=value pairs"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "10s", "a whole number of milliseconds"),
            ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "-1", "a whole number of milliseconds"),
            ("OTEL_TRACES_EXPORTER", "jaeger", "otlp, console and none"),
            ("OTEL_METRICS_EXPORTER", "prometheus", "otlp, console and none"),
            ("OTEL_TRACES_SAMPLER", "jaeger_remote", "parentbased_traceidratio"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "0", "above 0"),
            ("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "gauge", "cumulative, delta or lowmemory"),
        ];
        for (variable, value, accepted) in cases {
            let message = config(&[(variable, value)]).unwrap_err().to_string();
            assert!(message.starts_with(&format!("{variable}={value:?}")), "{message}");
            assert!(message.contains(accepted), "{message}");
        }
        let argument = config(&[("OTEL_TRACES_SAMPLER", "traceidratio"), ("OTEL_TRACES_SAMPLER_ARG", "1.5")]);
        assert!(argument.unwrap_err().to_string().starts_with("OTEL_TRACES_SAMPLER_ARG=\"1.5\""));
    }
}
