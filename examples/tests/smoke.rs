//! Every example runs offline and prints the tree it should; the research agent also exports
//! over OTLP to a receiver on loopback when the standard variables say so.

#[path = "../../tests/tests/support/otlp_receiver.rs"]
mod otlp_receiver;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The example's binary: built next to this test's (`target/<profile>/examples/`).
fn example(name: &str) -> Command {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path: PathBuf = dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} is not built: run `cargo test -p otel-genai-examples`", path.display());
    let mut command = Command::new(path);
    // The demo model and the console tree, whatever this shell has set.
    for (key, _) in std::env::vars() {
        if key.starts_with("OTEL_") || key.starts_with("OPENAI_") {
            command.env_remove(key);
        }
    }
    command
}

fn run(mut command: Command) -> (String, String) {
    let Output { status, stdout, stderr } = command.output().unwrap();
    let (stdout, stderr) = (String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap());
    assert!(status.success(), "{status}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    (stdout, stderr)
}

/// The tree lines of the output: those a root span or a child starts.
fn tree_lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|line| ["invoke_", "chat ", "├─", "└─", "│", "• "].iter().any(|start| line.starts_with(start)))
        .collect()
}

fn shape(line: &str) -> String {
    // Name and structure only: durations, ids and costs vary.
    line.split("  ").next().unwrap().to_owned()
}

#[test]
fn research_agent() {
    let (stdout, _) = run(example("research_agent"));
    let shapes: Vec<String> = tree_lines(&stdout).into_iter().map(shape).collect();
    let one_run = [
        "invoke_agent research-agent",
        "├─ chat gpt-4o",
        "├─ • plan ready",
        "├─ execute_tool web_search",
        "├─ execute_tool fetch_page",
        "└─ chat gpt-4o",
    ];
    assert_eq!(shapes, [one_run, one_run].concat(), "{stdout}");
    let lines = tree_lines(&stdout);
    assert!(lines[0].contains("total tokens=") && lines[0].contains("total $"), "{}", lines[0]);
    assert!(lines[1].contains("model=gpt-4o-2024-08-06") && lines[1].contains("tokens="), "{}", lines[1]);
    assert!(lines[2].contains("app.plan.steps=2"), "{}", lines[2]);
    assert!(!lines[4].contains("ERROR"), "the first run's page is fetched: {}", lines[4]);
    assert!(lines[10].contains("ERROR rate_limited: rate limited, retry later"), "{}", lines[10]);
    assert_eq!(stdout.matches("answer: Summary:").count(), 2);
}

#[test]
fn rag_chain() {
    let (stdout, _) = run(example("rag_chain"));
    let lines = tree_lines(&stdout);
    let shapes: Vec<String> = lines.iter().map(|line| shape(line)).collect();
    let one_run = [
        "invoke_workflow rag-answer",
        "├─ retrieval kb-docs",
        "├─ execute_tool route",
        "├─ • routed",
        "└─ chat gpt-4o",
    ];
    assert_eq!(shapes, [one_run, one_run].concat(), "{stdout}");
    assert!(lines[3].contains("app.rag.route=grounded  app.rag.hits=2"), "{}", lines[3]);
    assert!(lines[8].contains("app.rag.route=no_context  app.rag.hits=0"), "{}", lines[8]);
}

#[test]
fn parallel_calls() {
    let (stdout, _) = run(example("parallel_calls"));
    let lines = tree_lines(&stdout);
    let shapes: Vec<String> = lines.iter().map(|line| shape(line)).collect();
    assert_eq!(
        shapes,
        ["invoke_workflow faq-batch", "├─ chat gpt-4o", "├─ chat gpt-4o", "├─ chat gpt-4o", "└─ chat gpt-4o"],
        "{stdout}"
    );
    // The four calls overlap: the workflow lasts about as long as one call, not four.
    let millis = |line: &str| -> f64 {
        let field = line.split("  ").nth(1).unwrap();
        field.strip_suffix("ms").map(|ms| ms.parse().unwrap()).unwrap_or(f64::MAX)
    };
    let calls: f64 = lines[1..].iter().map(|line| millis(line)).sum();
    assert!(millis(lines[0]) < calls, "{stdout}");
    assert!(lines[0].contains("total tokens=33in/21out"), "{}", lines[0]);
}

#[test]
fn streaming_chat() {
    let (stdout, _) = run(example("streaming_chat"));
    assert!(stdout.starts_with("Summary: Explain streaming responses in a few words\n"), "{stdout}");
    let lines = tree_lines(&stdout);
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("chat gpt-4o  ") && lines[0].contains("tokens=11in/8out"), "{}", lines[0]);
}

#[test]
fn feedback() {
    let (stdout, _) = run(example("feedback"));
    let shapes: Vec<String> = tree_lines(&stdout).into_iter().filter(|l| !l.starts_with("• ")).map(shape).collect();
    assert_eq!(shapes, ["invoke_agent support-agent", "└─ chat gpt-4o"], "{stdout}");
    let kept = stdout.lines().find_map(|line| line.strip_prefix("kept by the frontend: ")).unwrap();
    let agent_span = kept.split('-').nth(2).unwrap();
    let event = stdout.lines().find(|line| line.starts_with("• gen_ai.evaluation.result")).expect(&stdout);
    for part in [
        format!("span={agent_span}"),
        "gen_ai.evaluation.name=user_feedback".to_owned(),
        "gen_ai.evaluation.score.value=4".to_owned(),
        "gen_ai.evaluation.score.label=helpful".to_owned(),
        "gen_ai.response.id=chatcmpl-demo-1".to_owned(),
    ] {
        assert!(event.contains(&part), "{part} in {event}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn research_agent_exports_with_the_standard_variables() {
    let receiver = otlp_receiver::Receiver::start().await;
    let mut command = example("research_agent");
    command
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .env("OTEL_SERVICE_NAME", "research-agent");
    let (stdout, stderr) = tokio::task::spawn_blocking(move || run(command)).await.unwrap();
    assert!(tree_lines(&stdout).is_empty(), "no tree when exporting:\n{stdout}");
    assert!(
        stderr.contains(&format!(
            "otel-genai: exporting traces, metrics and logs over OTLP (grpc) to {}",
            receiver.endpoint()
        )),
        "{stderr}"
    );
    let received = receiver.received();
    let mut names: Vec<String> = received
        .traces
        .iter()
        .flat_map(|r| r.resource_spans.iter().flat_map(|rs| rs.scope_spans.iter().flat_map(|s| s.spans.iter())))
        .map(|span| span.name.clone())
        .collect();
    names.sort();
    let mut expected = [
        "chat gpt-4o",
        "chat gpt-4o",
        "execute_tool fetch_page",
        "execute_tool web_search",
        "invoke_agent research-agent",
    ]
    .repeat(2);
    expected.sort();
    assert_eq!(names, expected);
    let service = received.traces[0].resource_spans[0]
        .resource
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .find(|kv| kv.key == "service.name");
    assert_eq!(
        format!("{:?}", service.unwrap().value.as_ref().unwrap().value),
        r#"Some(StringValue("research-agent"))"#
    );
    assert!(!received.metrics.is_empty(), "metrics arrive too");
}

/// The type the conventions give a value, as it came over the wire.
fn wire_type(value: &opentelemetry_proto::tonic::common::v1::AnyValue) -> otel_genai::conventions::ValueType {
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    use otel_genai::conventions::ValueType;
    match &value.value {
        Some(Value::StringValue(_)) => ValueType::String,
        Some(Value::IntValue(_)) => ValueType::Int,
        Some(Value::DoubleValue(_)) => ValueType::Double,
        Some(Value::BoolValue(_)) => ValueType::Boolean,
        Some(Value::ArrayValue(array)) => match array.values.first().and_then(|v| v.value.as_ref()) {
            Some(Value::IntValue(_)) => ValueType::IntArray,
            Some(Value::DoubleValue(_)) => ValueType::DoubleArray,
            Some(Value::BoolValue(_)) => ValueType::BooleanArray,
            _ => ValueType::StringArray,
        },
        _ => ValueType::Any,
    }
}

/// The checks the conventions' validator (weaver `registry live-check`) makes of each
/// attribute, against the same pinned conventions: a namespace; for a name in a namespace the
/// conventions own, a definition (or otel-genai's declared extension), its type, and no
/// deprecation.
fn check_attribute(place: &str, kv: &opentelemetry_proto::tonic::common::v1::KeyValue, problems: &mut Vec<String>) {
    use otel_genai::conventions::{self, ValueType};
    let key = kv.key.as_str();
    if !key.contains('.') {
        problems.push(format!("{place}: `{key}` has no namespace"));
        return;
    }
    if let Some(deprecated) = conventions::deprecation(key) {
        problems.push(format!("{place}: `{key}` is deprecated: {deprecated:?}"));
    }
    if !conventions::in_convention_namespace(key) {
        return;
    }
    let Some(definition) = conventions::attribute(key) else {
        problems.push(format!("{place}: `{key}` is in a conventions namespace but not defined"));
        return;
    };
    let sent = kv.value.as_ref().map(wire_type).unwrap_or(ValueType::Any);
    let accepted = sent == definition.ty || (definition.ty == ValueType::Any && sent == ValueType::String);
    if !accepted {
        problems.push(format!("{place}: `{key}` sent as {sent:?}, defined as {:?}", definition.ty));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_sends_only_what_the_conventions_define() {
    use opentelemetry_proto::tonic::metrics::v1::metric::Data;
    let receiver = otlp_receiver::Receiver::start().await;
    let names = ["research_agent", "rag_chain", "parallel_calls", "streaming_chat", "feedback"];
    for name in names {
        let mut command = example(name);
        command
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
            .env("OTEL_SERVICE_NAME", name)
            .env("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "SPAN_AND_EVENT");
        tokio::task::spawn_blocking(move || run(command)).await.unwrap();
    }
    let received = receiver.received();
    // Every example's spans arrived, or there would be nothing to check below.
    let mut services = std::collections::BTreeSet::new();
    for request in &received.traces {
        for resource_spans in &request.resource_spans {
            let resource = resource_spans.resource.as_ref().unwrap();
            let service = resource.attributes.iter().find(|kv| kv.key == "service.name");
            if let Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(name)) =
                service.and_then(|kv| kv.value.as_ref()).and_then(|value| value.value.as_ref())
                && resource_spans.scope_spans.iter().any(|scope| !scope.spans.is_empty())
            {
                services.insert(name.clone());
            }
        }
    }
    assert_eq!(services, names.iter().map(|name| (*name).to_owned()).collect(), "the examples whose spans arrived");
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut attributes = |place: String, list: &[opentelemetry_proto::tonic::common::v1::KeyValue]| {
        for kv in list {
            check_attribute(&place, kv, &mut problems);
            checked += 1;
        }
    };
    for request in &received.traces {
        for resource_spans in &request.resource_spans {
            attributes("resource".into(), &resource_spans.resource.as_ref().unwrap().attributes);
            for span in resource_spans.scope_spans.iter().flat_map(|scope| scope.spans.iter()) {
                attributes(format!("span `{}`", span.name), &span.attributes);
                for event in &span.events {
                    attributes(format!("event `{}` of `{}`", event.name, span.name), &event.attributes);
                }
            }
        }
    }
    let mut event_names = std::collections::BTreeSet::new();
    for request in &received.logs {
        for record in request.resource_logs.iter().flat_map(|r| r.scope_logs.iter().flat_map(|s| s.log_records.iter()))
        {
            event_names.insert(record.event_name.clone());
            attributes(format!("log record `{}`", record.event_name), &record.attributes);
        }
    }
    let mut metric_names = std::collections::BTreeSet::new();
    let mut undefined_metrics = Vec::new();
    for metric in received.scope_metrics().flat_map(|scope| scope.metrics.iter()) {
        metric_names.insert(metric.name.clone());
        match otel_genai::conventions::metric(&metric.name) {
            Some(definition) => assert_eq!(metric.unit, definition.unit, "{}", metric.name),
            None => undefined_metrics.push(metric.name.clone()),
        }
        if let Some(Data::Histogram(histogram)) = &metric.data {
            for point in &histogram.data_points {
                attributes(format!("metric `{}`", metric.name), &point.attributes);
            }
        }
    }
    assert!(undefined_metrics.is_empty(), "metrics the conventions do not define: {undefined_metrics:?}");
    received.assert_sdk_metrics_documented();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    let known_events =
        ["gen_ai.client.inference.operation.details", "gen_ai.client.operation.exception", "gen_ai.evaluation.result"];
    assert!(event_names.iter().all(|name| known_events.contains(&name.as_str())), "{event_names:?}");
    assert!(
        event_names.contains("gen_ai.client.inference.operation.details")
            && event_names.contains("gen_ai.evaluation.result")
    );
    assert!(metric_names.contains("gen_ai.client.operation.time_to_first_chunk"), "{metric_names:?}");
    assert!(checked > 0);
    println!("checked {checked} attributes; events {event_names:?}; metrics {metric_names:?}");
}

#[test]
fn metrics_print_on_the_console_when_asked() {
    let mut command = example("parallel_calls");
    command.env("OTEL_METRICS_EXPORTER", "console");
    let (stdout, _) = run(command);
    let metrics: Vec<&str> = stdout.lines().skip_while(|line| *line != "metrics:").skip(1).collect();
    let line = |name: &str, needle: &str| {
        metrics.iter().find(|line| line.starts_with(&format!("  {name}{{")) && line.contains(needle)).copied()
    };
    let duration = line("gen_ai.client.operation.duration", "count=4").expect(&stdout);
    assert!(duration.ends_with(" s") && duration.contains("gen_ai.request.model=gpt-4o"), "{duration}");
    assert!(
        line("gen_ai.client.token.usage", "gen_ai.token.type=input")
            .is_some_and(|l| l.contains("count=4 sum=33 {token}"))
    );
    assert!(
        line("gen_ai.client.token.usage", "gen_ai.token.type=output")
            .is_some_and(|l| l.contains("count=4 sum=21 {token}"))
    );
    assert!(line("gen_ai.workflow.duration", "gen_ai.workflow.name=faq-batch").is_some_and(|l| l.contains("count=1")));
    // Under each histogram point, its buckets: the conventions' boundaries, with the counts.
    let input = metrics
        .iter()
        .position(|l| l.starts_with("  gen_ai.client.token.usage{") && l.contains("gen_ai.token.type=input"))
        .expect(&stdout);
    let buckets: Vec<(&str, u64)> = metrics[input + 1]
        .strip_prefix("    buckets ")
        .expect(metrics[input + 1])
        .split(' ')
        .map(|bucket| {
            let (bound, count) = bucket.rsplit_once(':').expect(bucket);
            (bound, count.parse().expect(bucket))
        })
        .collect();
    let bounds: Vec<&str> = buckets.iter().map(|(bound, _)| *bound).collect();
    assert_eq!(
        bounds,
        [
            "≤1",
            "≤4",
            "≤16",
            "≤64",
            "≤256",
            "≤1024",
            "≤4096",
            "≤16384",
            "≤65536",
            "≤262144",
            "≤1048576",
            "≤4194304",
            "≤16777216",
            "≤67108864",
            ">67108864"
        ]
    );
    assert_eq!(buckets.iter().map(|(_, count)| count).sum::<u64>(), 4);
    // The trace tree still prints: the traces exporter is left as it was.
    assert!(stdout.starts_with("invoke_workflow faq-batch"), "{stdout}");
}
