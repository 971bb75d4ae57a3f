//! Events as log records with event names: client failures and evaluations.

use opentelemetry::logs::{AnyValue, Severity};
use otel_genai::testing::Capture;
use otel_genai::{SpanRef, agent, gen_ai_chat, tool};

#[gen_ai_chat(provider = "openai", model = "gpt-4o")]
fn chat(fail: bool) -> Result<(String, Option<SpanRef>), std::io::Error> {
    if fail {
        return Err(std::io::Error::other("rate limited"));
    }
    Ok(("hello".to_owned(), SpanRef::current()))
}

#[tool]
fn flaky() -> Result<(), std::io::Error> {
    Err(std::io::Error::other("tool broke"))
}

#[agent(name = "events")]
fn run() {
    let _ = chat(true);
    let _ = flaky();
}

#[test]
fn a_failed_client_call_is_an_exception_event_about_its_span() {
    let capture = Capture::new();
    capture.in_scope(run);
    let events = capture.events();
    assert_eq!(events.len(), 1, "only the client call's failure: {events:?}");
    let event = &events[0];
    assert_eq!(event.name, Some("gen_ai.client.operation.exception"));
    assert_eq!(event.severity, Some(Severity::Warn));
    assert_eq!(event.str_attr("exception.type"), Some("std::io::error::Error"));
    assert_eq!(event.str_attr("exception.message"), Some("rate limited"));
    assert_eq!(event.str_attr("error.type"), Some("std::io::error::Error"));
    let tree = capture.tree();
    let span = tree.find("chat gpt-4o").unwrap();
    assert_eq!(event.trace, Some((span.trace_id(), span.span_id())));
    // The span keeps its own `exception` event; events go on spans only when switched on.
    assert_eq!(span.event_names(), ["exception"]);
}

#[test]
fn evaluations_are_parented_to_the_evaluated_span_even_later() {
    let capture = Capture::new();
    let (_, span) = capture.in_scope(|| chat(false)).unwrap();
    let kept = span.unwrap().to_string();

    // Another request, later: only the string came along.
    let span: SpanRef = kept.parse().unwrap();
    capture.in_scope(|| {
        otel_genai::evaluation(&span, "user_feedback")
            .score(4.0)
            .label("helpful")
            .explanation("answered the question")
            .emit();
        otel_genai::evaluation(&SpanRef::response("chatcmpl-7"), "relevance").score(0.5).emit();
    });

    let events = capture.events();
    let [feedback, relevance] = &events[..] else { panic!("{events:?}") };
    assert_eq!(feedback.name, Some("gen_ai.evaluation.result"));
    let chat_span = capture.spans().into_iter().find(|s| s.name == "chat gpt-4o").unwrap();
    assert_eq!(feedback.trace, Some((chat_span.span_context.trace_id(), chat_span.span_context.span_id())));
    assert_eq!(feedback.str_attr("gen_ai.evaluation.name"), Some("user_feedback"));
    assert_eq!(feedback.attr("gen_ai.evaluation.score.value"), Some(&AnyValue::Double(4.0)));
    assert_eq!(feedback.str_attr("gen_ai.evaluation.score.label"), Some("helpful"));
    assert_eq!(feedback.str_attr("gen_ai.evaluation.explanation"), Some("answered the question"));
    assert_eq!(relevance.trace, None, "only a response id");
    assert_eq!(relevance.str_attr("gen_ai.response.id"), Some("chatcmpl-7"));

    let scores = capture.histogram("gen_ai.evaluation.score");
    let by_name = |name: &str| scores.iter().find(|h| h.str_attr("gen_ai.evaluation.name") == Some(name)).unwrap();
    assert_eq!((by_name("user_feedback").count, by_name("user_feedback").sum), (1, 4.0));
    assert_eq!(by_name("user_feedback").str_attr("gen_ai.evaluation.score.label"), Some("helpful"));
    assert_eq!(by_name("relevance").sum, 0.5);
}
