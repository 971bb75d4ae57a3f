//! One-line setup: `let _telemetry = otel_genai::init()?;`, configured by the standard
//! `OTEL_*` variables, or [`init_with`] a [`Config`] adjusted in code.
//!
//! What is installed, signal by signal:
//!
//! | signal  | no endpoint set                | an OTLP endpoint set               |
//! |---------|--------------------------------|------------------------------------|
//! | traces  | a tree per trace on stdout     | OTLP (batched, off the call path)  |
//! | metrics | nothing                        | OTLP, every `OTEL_METRIC_EXPORT_INTERVAL` |
//! | logs    | nothing                        | OTLP: the conventions' events      |
//!
//! `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER` (`otlp`,
//! `console`, `none`, or a comma-separated list) choose explicitly.
//!
//! OTLP needs the `otlp` feature; `https://` endpoints also need `otlp-tls`, which trusts the
//! system's roots, or only the CAs in `OTEL_EXPORTER_OTLP_CERTIFICATE`, and presents
//! `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` and `..._CLIENT_KEY` to collectors that ask for
//! mutual TLS:
//!
//! ```no_run
//! use otel_genai::init::Config;
//!
//! let _telemetry = otel_genai::init_with(
//!     Config::from_env()?
//!         .otlp_endpoint("https://collector.internal:4317")
//!         .certificate("/etc/otel/ca.pem")
//!         .client_identity("/etc/otel/client.pem", "/etc/otel/client.key"),
//! )?;
//! # Ok::<(), otel_genai::init::InitError>(())
//! ```

mod config;
mod console;
#[cfg(feature = "otlp")]
mod otlp;
#[cfg(feature = "otlp-tls")]
mod tls;

use std::io::Write;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;

pub use config::{Config, Exporter, OtlpTarget, PRICING_FILE_ENV, Protocol, Signal, Temporality, TlsFiles};
pub use console::ConsoleTreeProcessor;

use crate::diagnostics::Diagnostics;
#[cfg(feature = "otlp")]
pub use otlp::ExportStatus;

/// Why [`init()`] could not set up telemetry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// A variable (or the same setting made in code) has a value that is not accepted.
    #[error("{variable}={value:?} is not valid: expected {accepted}")]
    Invalid {
        /// The variable.
        variable: String,
        /// Its value.
        value: String,
        /// What is accepted.
        accepted: &'static str,
    },
    /// OTLP export is configured, but this build has no OTLP exporter.
    #[error(
        "{signal} are to be exported over OTLP to {endpoint}, but this build of otel-genai has no OTLP exporter: turn on its `otlp` feature, or unset OTEL_EXPORTER_OTLP_ENDPOINT to print traces on the terminal"
    )]
    OtlpUnavailable {
        /// The signal.
        signal: Signal,
        /// Where it was to go.
        endpoint: String,
    },
    /// An exporter could not be built.
    #[error("cannot export {signal} to {endpoint}: {reason}")]
    Exporter {
        /// The signal.
        signal: Signal,
        /// Where it was to go.
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// The price table named by [`Config::pricing_file`] (or `OTEL_GENAI_PRICING_FILE`)
    /// could not be read.
    #[error("cannot price model calls: {0}")]
    Pricing(#[from] crate::PricingError),
}

impl InitError {
    pub(crate) fn invalid(variable: &str, value: &str, accepted: &'static str) -> InitError {
        InitError::Invalid { variable: variable.to_owned(), value: value.to_owned(), accepted }
    }
}

/// Installed telemetry. Dropping it flushes and shuts down everything `init` installed,
/// within the configured shutdown timeout (5 s unless set).
#[derive(Debug)]
#[must_use = "dropping the guard shuts telemetry down at once"]
pub struct Telemetry {
    tracer_provider: Option<SdkTracerProvider>,
    meter_provider: Option<SdkMeterProvider>,
    logger_provider: Option<SdkLoggerProvider>,
    shutdown_timeout: Duration,
    #[cfg(feature = "otlp")]
    otlp: Option<otlp::Pipeline>,
}

impl Telemetry {
    /// Exports every finished span, metric and event now.
    pub fn flush(&self) {
        if let Some(provider) = &self.tracer_provider {
            let _ = provider.force_flush();
        }
        if let Some(provider) = &self.meter_provider {
            let _ = provider.force_flush();
        }
        if let Some(provider) = &self.logger_provider {
            let _ = provider.force_flush();
        }
    }

    /// How each OTLP export has fared so far: sent, failed, dropped.
    #[cfg(feature = "otlp")]
    pub fn export_status(&self) -> Vec<ExportStatus> {
        self.otlp.as_ref().map(otlp::Pipeline::status).unwrap_or_default()
    }

    /// Flushes and shuts everything down now, within the shutdown timeout (what dropping the
    /// guard does).
    pub fn shutdown(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let deadline = std::time::Instant::now() + self.shutdown_timeout;
        let left = || deadline.saturating_duration_since(std::time::Instant::now());
        if let Some(provider) = self.tracer_provider.take() {
            let _ = provider.shutdown_with_timeout(left());
        }
        if let Some(provider) = self.meter_provider.take() {
            let _ = provider.shutdown_with_timeout(left());
        }
        if let Some(provider) = self.logger_provider.take() {
            let _ = provider.shutdown_with_timeout(left());
        }
        #[cfg(feature = "otlp")]
        if let Some(pipeline) = self.otlp.take() {
            pipeline.finish();
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Installs tracer, meter and logger providers configured by the standard `OTEL_*`
/// variables: [`Config::from_env`] then [`init_with`].
///
/// With no OTLP endpoint set, every trace is printed on standard output as a tree when its
/// root span ends: names, durations, models, token counts, errors. With
/// `OTEL_EXPORTER_OTLP_ENDPOINT` set (and the `otlp` feature on), traces, metrics and events
/// go to that collector.
///
/// ```no_run
/// fn main() -> Result<(), otel_genai::InitError> {
///     let _telemetry = otel_genai::init()?;
///     // ... run instrumented code; traces print as they finish ...
///     Ok(())
/// } // `_telemetry` dropped: everything is flushed
/// ```
pub fn init() -> Result<Telemetry, InitError> {
    init_with(Config::from_env()?)
}

/// Installs tracer, meter and logger providers as `config` describes. otel-genai's own
/// messages go to standard error, and from now on so do those about the whole process (a
/// model with no price, a capture mode that is not one). Nothing process-wide changes when it
/// fails.
///
/// ```no_run
/// use otel_genai::init::{Config, Protocol};
///
/// # fn main() -> Result<(), otel_genai::InitError> {
/// let _telemetry = otel_genai::init_with(
///     Config::from_env()?.service_name("research-agent").otlp_endpoint("http://localhost:4317"),
/// )?;
/// # Ok(()) }
/// ```
pub fn init_with(config: Config) -> Result<Telemetry, InitError> {
    init_reporting(config, Diagnostics::default())
}

/// [`init_with`], with otel-genai's own messages written to `out` instead of standard
/// error: where data goes, export failures and recoveries, what was dropped, and from now
/// on the messages about the whole process (a model with no price, a capture mode that is
/// not one).
pub fn init_with_diagnostics(config: Config, out: impl Write + Send + 'static) -> Result<Telemetry, InitError> {
    init_reporting(config, Diagnostics::to(out))
}

fn init_reporting(config: Config, diagnostics: Diagnostics) -> Result<Telemetry, InitError> {
    let mut telemetry = Telemetry {
        tracer_provider: None,
        meter_provider: None,
        logger_provider: None,
        shutdown_timeout: config.shutdown_timeout,
        #[cfg(feature = "otlp")]
        otlp: None,
    };
    if config.disabled {
        return Ok(telemetry);
    }
    // Read now, installed once nothing else can fail.
    let pricing = config.pricing_file.as_ref().map(crate::Pricing::from_file).transpose()?;
    let targets: Vec<(Signal, OtlpTarget)> =
        Signal::ALL.into_iter().filter_map(|signal| Some((signal, config.otlp_target(signal)?))).collect();
    #[cfg(not(feature = "otlp"))]
    if let Some((signal, target)) = targets.into_iter().next() {
        return Err(InitError::OtlpUnavailable { signal, endpoint: target.endpoint });
    }
    let process = diagnostics.clone();
    #[cfg(feature = "otlp")]
    let mut pipeline =
        if targets.is_empty() { None } else { Some(otlp::Pipeline::start(&targets, &config, diagnostics)?) };
    #[cfg(not(feature = "otlp"))]
    let _ = diagnostics;
    // Nothing fails from here on: what is process-wide changes only now.
    crate::diagnostics::set_process(process);
    if let Some(pricing) = pricing {
        crate::set_pricing(pricing);
    }
    let resource = resource(&config);

    // The meter provider first: the SDK's span and log processors made after it report their
    // own health through it.
    let exporters = config.exporters_of(Signal::Metrics);
    if !exporters.is_empty() {
        let mut builder = SdkMeterProvider::builder().with_resource(resource.clone());
        if exporters.contains(&Exporter::Console) {
            builder = builder.with_reader(
                PeriodicReader::builder(console::ConsoleMetrics).with_interval(config.metric_interval).build(),
            );
        }
        #[cfg(feature = "otlp")]
        if let Some(reader) = pipeline.as_mut().and_then(|pipeline| pipeline.metric_reader(config.metric_interval)) {
            builder = builder.with_reader(reader);
        }
        let provider = builder.build();
        crate::set_meter_provider(provider.clone());
        telemetry.meter_provider = Some(provider);
    }

    let exporters = config.exporters_of(Signal::Traces);
    if !exporters.is_empty() {
        let mut builder =
            SdkTracerProvider::builder().with_resource(resource.clone()).with_sampler(config.sampler.build());
        if exporters.contains(&Exporter::Console) {
            builder = builder.with_span_processor(ConsoleTreeProcessor::new());
        }
        #[cfg(feature = "otlp")]
        if let Some(processor) = pipeline.as_mut().and_then(otlp::Pipeline::span_processor) {
            builder = builder.with_span_processor(processor);
        }
        let provider = builder.build();
        crate::set_tracer_provider(provider.clone());
        telemetry.tracer_provider = Some(provider);
    }

    let exporters = config.exporters_of(Signal::Logs);
    if !exporters.is_empty() {
        let mut builder = SdkLoggerProvider::builder().with_resource(resource);
        if exporters.contains(&Exporter::Console) {
            builder = builder.with_simple_exporter(console::ConsoleEvents);
        }
        #[cfg(feature = "otlp")]
        if let Some(processor) = pipeline.as_mut().and_then(otlp::Pipeline::log_processor) {
            builder = builder.with_log_processor(processor);
        }
        let provider = builder.build();
        crate::set_logger_provider(&provider);
        telemetry.logger_provider = Some(provider);
    }
    #[cfg(feature = "otlp")]
    {
        telemetry.otlp = pipeline;
    }
    Ok(telemetry)
}

/// The resource every signal carries: the SDK's own attributes, `OTEL_RESOURCE_ATTRIBUTES`,
/// and `service.name` (by default `unknown_service:` and the executable's name, as the
/// specification recommends).
fn resource(config: &Config) -> Resource {
    let service_name = config
        .service_name
        .clone()
        .or_else(|| config.resource.iter().find(|(key, _)| key == "service.name").map(|(_, value)| value.clone()))
        .unwrap_or_else(|| {
            let executable = std::env::current_exe().ok();
            let name = executable.as_deref().and_then(|path| path.file_stem()).and_then(|stem| stem.to_str());
            format!("unknown_service:{}", name.unwrap_or("rust"))
        });
    Resource::builder_empty()
        .with_detector(Box::new(opentelemetry_sdk::resource::TelemetryResourceDetector))
        .with_attributes(config.resource.iter().map(|(key, value)| KeyValue::new(key.clone(), value.clone())))
        .with_service_name(service_name)
        .build()
}

#[cfg(all(test, not(feature = "otlp")))]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_without_the_otlp_feature_is_an_error_that_says_how_to_fix_it() {
        let config = Config::default().otlp_endpoint("http://localhost:4317");
        let error = init_with(config).unwrap_err();
        assert!(
            matches!(&error, InitError::OtlpUnavailable { signal: Signal::Traces, endpoint } if endpoint == "http://localhost:4317")
        );
        assert!(error.to_string().contains("turn on its `otlp` feature"), "{error}");
    }
}
