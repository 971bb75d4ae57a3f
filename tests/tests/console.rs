//! What `otel_genai::init` sets up: the console tree, printed when a trace's root span
//! ends, and the error for an invalid variable. One test: it changes the process's
//! environment and global provider.

#[path = "support/written.rs"]
mod written;

use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_genai::{ConsoleTreeProcessor, ErrorType, GenAiResponse, InitError, agent, gen_ai_chat, reasoning, tool};
use written::Written;

#[derive(GenAiResponse)]
struct Reply {
    #[gen_ai(response.model)]
    model: &'static str,
    input_tokens: u32,
    output_tokens: u32,
}

#[derive(Debug)]
struct RateLimited;

impl std::fmt::Display for RateLimited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rate limited")
    }
}

impl ErrorType for RateLimited {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        "rate_limited".into()
    }
}

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
fn chat() -> Reply {
    Reply { model: "gpt-4o-2024-08-06", input_tokens: 12, output_tokens: 4 }
}

#[tool]
fn flaky() -> Result<(), RateLimited> {
    Err(RateLimited)
}

#[agent(name = "console-agent")]
fn run(out: &Written) -> String {
    chat();
    let before_root_ended = out.text();
    reasoning!("plan ready", app.steps = 2);
    let _ = flaky();
    before_root_ended
}

/// The tree with every duration replaced by `<d>`.
fn without_durations(text: &str) -> String {
    let is_duration = |word: &str| {
        let number = word.trim_end_matches("µs").trim_end_matches("ms").trim_end_matches('s');
        number != word && !number.is_empty() && number.parse::<f64>().is_ok()
    };
    text.lines()
        .map(|line| {
            line.split("  ").map(|part| if is_duration(part) { "<d>" } else { part }).collect::<Vec<_>>().join("  ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn init_and_the_console_tree() {
    // SAFETY: this binary has one test and no other thread reads the environment now.
    unsafe { std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", "http") };
    let error = otel_genai::init().expect_err("an invalid protocol");
    assert!(matches!(&error, InitError::Invalid { variable, .. } if variable == "OTEL_EXPORTER_OTLP_PROTOCOL"));
    assert_eq!(
        error.to_string(),
        r#"OTEL_EXPORTER_OTLP_PROTOCOL="http" is not valid: expected grpc, http/protobuf or http/json"#
    );
    // SAFETY: as above.
    unsafe { std::env::remove_var("OTEL_EXPORTER_OTLP_PROTOCOL") };
    drop(otel_genai::init().expect("console telemetry"));

    let out = Written::default();
    let provider =
        SdkTracerProvider::builder().with_span_processor(ConsoleTreeProcessor::to_writer(out.clone())).build();
    otel_genai::set_tracer_provider(provider.clone());
    let before_root_ended = run(&out);
    assert_eq!(before_root_ended, "", "nothing is printed before the root span ends");
    assert_eq!(
        without_durations(&out.text()),
        "invoke_agent console-agent  <d>  total tokens=12in/4out  total $0.000070\n\
         ├─ chat gpt-4o  <d>  openai  model=gpt-4o-2024-08-06  tokens=12in/4out  $0.000070\n\
         ├─ • plan ready  app.steps=2\n\
         └─ execute_tool flaky  <d>  ERROR rate_limited: rate limited"
    );
    let _ = provider.shutdown();
}
