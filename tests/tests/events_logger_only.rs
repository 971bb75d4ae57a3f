//! With only a logger provider (no tracer, no meter), every failed client call is still an
//! event.

use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use otel_genai::gen_ai_chat;

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
fn chat() -> Result<(), std::io::Error> {
    Err(std::io::Error::other("overloaded"))
}

#[test]
fn every_failure_is_an_event_with_a_logger_alone() {
    let exporter = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder().with_simple_exporter(exporter.clone()).build();
    otel_genai::set_logger_provider(&provider);
    // More calls than a thread keeps its tracer for, so a refresh happens in between.
    for _ in 0..300 {
        let _ = chat();
    }
    let logs = exporter.get_emitted_logs().unwrap();
    assert_eq!(logs.len(), 300);
    assert!(logs.iter().all(|log| log.record.event_name() == Some("gen_ai.client.operation.exception")));
}
