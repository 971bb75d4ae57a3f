//! What otel-genai has to say about the whole process is said once, where `init`'s messages
//! go: a capture mode that is not one (and content stays off), a model with no price (and
//! its calls have no cost). `init` loads a TOML price table named in its configuration, and
//! refuses one it cannot read, naming the file. The capture mode is read from the
//! environment once per process: one test.

#[path = "support/written.rs"]
mod written;

use otel_genai::content::messages::{ChatMessage, Role};
use otel_genai::init::{Config, Signal};
use otel_genai::testing::Capture;
use otel_genai::{Attributes, GenAiRequest, GenAiResponse, gen_ai_chat};
use written::Written;

#[derive(GenAiRequest)]
struct Request {
    model: String,
    #[gen_ai(input.messages)]
    messages: Vec<ChatMessage<'static>>,
}

struct Reply;

impl GenAiResponse for Reply {
    fn record(&self, attrs: &mut Attributes) {
        attrs.set("gen_ai.usage.input_tokens", 1_000_u32);
        attrs.set("gen_ai.usage.output_tokens", 500_u32);
    }
}

#[gen_ai_chat(provider = "openai", request = req)]
fn chat(req: &Request) -> Reply {
    let _ = req;
    Reply
}

fn nothing_installed() -> Config {
    Config::default().exporters(Signal::Traces, []).exporters(Signal::Metrics, []).exporters(Signal::Logs, [])
}

#[test]
fn process_wide_problems_are_said_once_where_init_says_things() {
    // SAFETY: the only test of this binary sets it before any thread reads the environment.
    unsafe { std::env::set_var(otel_genai::CAPTURE_ENV, "verbose") };
    let dir = std::env::temp_dir().join(format!("otel-genai-said-once-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prices = dir.join("prices.toml");
    std::fs::write(&prices, "date = 2026-11-01\n\n[prices.openai.house-model]\ninput = 2.0\noutput = 10.0\n").unwrap();

    let said = Written::default();
    let _telemetry =
        otel_genai::init_with_diagnostics(nothing_installed().pricing_file(&prices), said.clone()).unwrap();
    let capture = Capture::new();
    std::thread::scope(|threads| {
        for _ in 0..4 {
            threads.spawn(|| {
                capture.in_scope(|| {
                    for model in ["house-model", "mystery-model"].into_iter().cycle().take(20) {
                        let messages = vec![ChatMessage::text(Role::User, "a secret prompt")];
                        chat(&Request { model: model.into(), messages });
                    }
                })
            });
        }
    });

    let spans = capture.spans();
    assert_eq!(spans.len(), 80);
    for span in &spans {
        let attr = |key: &str| span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.clone());
        assert!(attr("gen_ai.input.messages").is_none(), "content recorded under an unknown capture mode");
        match attr("gen_ai.request.model").unwrap().as_str().as_ref() {
            // 1,000 input tokens at 2 USD and 500 output tokens at 10 USD per million.
            "house-model" => assert_eq!(attr("gen_ai.usage.cost"), Some(opentelemetry::Value::F64(0.007))),
            "mystery-model" => assert_eq!(attr("gen_ai.usage.cost"), None),
            other => panic!("{other}"),
        }
    }
    assert!(capture.events().is_empty(), "no details event under an unknown capture mode");
    let text = said.text();
    println!("{text}");
    assert_eq!(
        said.count("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=\"verbose\" is not a capture mode"),
        1,
        "{text}"
    );
    assert_eq!(said.count("no price for openai model \"mystery-model\""), 1, "{text}");
    assert_eq!(said.count("house-model"), 0, "{text}");
    assert_eq!(said.lines().len(), 2, "{text}");

    // A table init cannot read is an error that names the file and says where it is wrong.
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "[prices.openai.gpt-4o]\ninput = 2.0\noutput = \"ten\"\n").unwrap();
    let error = otel_genai::init_with(nothing_installed().pricing_file(&broken)).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "cannot price model calls: {}: invalid price table at prices.openai.gpt-4o.output: expected a price in USD per million tokens, found \"ten\"",
            broken.display()
        )
    );
    std::fs::write(&broken, "[prices.openai.gpt-4o\ninput = 2.0\n").unwrap();
    let error = otel_genai::init_with(nothing_installed().pricing_file(&broken)).unwrap_err().to_string();
    assert!(error.contains("broken.toml: the price table is not TOML: ") && error.contains("line 1"), "{error}");
    let yaml = dir.join("prices.yaml");
    let error = otel_genai::init_with(nothing_installed().pricing_file(&yaml)).unwrap_err().to_string();
    assert!(error.ends_with("prices.yaml: expected a .json or .toml file"), "{error}");
    let missing = dir.join("missing.json");
    let error = otel_genai::init_with(nothing_installed().pricing_file(&missing)).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("cannot price model calls: cannot read the price table {}: ", missing.display())),
        "{error}"
    );

    // An init that fails after reading a good table changes nothing process-wide: the table in
    // use and where process-wide messages go stay those of the init that succeeded.
    let cheaper = dir.join("cheaper.json");
    std::fs::write(&cheaper, r#"{"prices": {"openai": {"house-model": {"input": 0.5, "output": 1.0}}}}"#).unwrap();
    let failing = Config::default()
        .otlp_endpoint("http://127.0.0.1:9")
        .header("not a header name", "x")
        .pricing_file(&cheaper)
        .announce(false);
    let error = otel_genai::init_with(failing).unwrap_err().to_string();
    assert!(error.contains("not a header name=x"), "{error}");
    capture.in_scope(|| {
        for model in ["house-model", "other-model"] {
            chat(&Request { model: model.into(), messages: Vec::new() });
        }
    });
    let spans = capture.spans();
    let cost = |model: &str| {
        let span = spans.iter().rev().find(|span| {
            span.attributes.iter().any(|kv| kv.key.as_str() == "gen_ai.request.model" && kv.value.as_str() == model)
        });
        span.and_then(|span| span.attributes.iter().find(|kv| kv.key.as_str() == "gen_ai.usage.cost"))
            .map(|kv| kv.value.clone())
    };
    assert_eq!(cost("house-model"), Some(opentelemetry::Value::F64(0.007)));
    assert_eq!(said.count("no price for openai model \"other-model\""), 1, "{}", said.text());
    std::fs::remove_dir_all(&dir).unwrap();
}
