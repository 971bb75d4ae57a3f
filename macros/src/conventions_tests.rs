//! The conventions table checked against itself.

use crate::conventions::*;

#[test]
fn attributes_are_sorted_unique_and_in_convention_namespaces() {
    for pair in ATTRIBUTES.windows(2) {
        assert!(pair[0].name < pair[1].name, "{} before {}", pair[0].name, pair[1].name);
    }
    for def in ATTRIBUTES {
        assert!(in_convention_namespace(def.name), "{} is outside the namespaces", def.name);
        assert!(!def.brief.is_empty(), "{} has no brief", def.name);
        assert!(attribute(def.name).is_some_and(|found| found.name == def.name));
    }
    assert!(ATTRIBUTES.len() >= 70, "the table lost attributes: {}", ATTRIBUTES.len());
}

#[test]
fn every_attribute_a_span_names_exists() {
    for span in SPANS {
        assert!(!span.attributes.is_empty(), "{} has no attributes", span.span_type);
        for attr in span.attributes {
            assert!(attribute(attr.name).is_some(), "{} names unknown {}", span.span_type, attr.name);
        }
    }
}

#[test]
fn span_operations_are_members_of_the_operation_enum() {
    let operations = attribute("gen_ai.operation.name").expect("operation name").members;
    for span in SPANS {
        for operation in span.operations {
            assert!(operations.contains(operation), "{} is not an operation", operation);
        }
    }
}

#[test]
fn enums_have_distinct_members() {
    let enums: Vec<_> = ATTRIBUTES.iter().filter(|def| !def.members.is_empty()).collect();
    assert!(enums.iter().any(|def| def.name == "gen_ai.provider.name"));
    for def in enums {
        let mut members = def.members.to_vec();
        members.sort_unstable();
        members.dedup();
        assert_eq!(members.len(), def.members.len(), "{} repeats a member", def.name);
    }
    assert!(attribute("gen_ai.provider.name").unwrap().members.contains(&"openai"));
}

#[test]
fn deprecated_names_are_gone_and_their_replacements_exist() {
    assert!(DEPRECATED.iter().any(|def| def.name == "gen_ai.system"));
    for def in DEPRECATED {
        assert!(attribute(def.name).is_none_or(|found| found.name != def.name), "{} is still current", def.name);
        if let Some(replacement) = def.replacement {
            assert!(attribute(replacement).is_some(), "{} is replaced by unknown {replacement}", def.name);
        }
    }
    assert_eq!(
        deprecation("gen_ai.usage.prompt_tokens").and_then(|d| d.replacement),
        Some("gen_ai.usage.input_tokens")
    );
}

#[test]
fn sampling_relevant_attributes_are_known_at_start() {
    for span in SPANS {
        for attr in span.attributes.iter().filter(|attr| attr.sampling_relevant) {
            assert_eq!(attribute(attr.name).unwrap().phase, Phase::Start, "{} in {}", attr.name, span.span_type);
        }
    }
}

#[test]
fn content_attributes_are_opt_in_wherever_a_span_names_them() {
    for span in SPANS {
        for attr in span.attributes {
            if attribute(attr.name).unwrap().content {
                assert_eq!(attr.requirement, Requirement::OptIn, "{} in {}", attr.name, span.span_type);
            }
        }
    }
}

#[test]
fn types_and_phases_of_well_known_attributes() {
    let def = |name| attribute(name).unwrap_or_else(|| panic!("{name}"));
    assert_eq!(def("gen_ai.request.temperature").ty, ValueType::Double);
    assert_eq!(def("gen_ai.request.max_tokens").ty, ValueType::Int);
    assert_eq!(def("gen_ai.response.finish_reasons").ty, ValueType::StringArray);
    assert_eq!(def("gen_ai.input.messages").ty, ValueType::Any);
    assert_eq!(def("server.port").ty, ValueType::Int);
    assert_eq!(def("gen_ai.usage.input_tokens").phase, Phase::Response);
    assert_eq!(def("gen_ai.request.model").phase, Phase::Start);
    assert_eq!(def("error.type").stability, Stability::Stable);
    assert!(def("gen_ai.input.messages").content);
    assert!(!def("gen_ai.request.model").content);
    assert_eq!(attribute("gen_ai.prompt.variable.user_name").map(|d| d.name), Some("gen_ai.prompt.variable"));
    assert!(attribute("gen_ai.prompt.variable.").is_none());
    assert!(attribute("gen_ai.request.temperture").is_none());
}

#[test]
fn the_inference_span_definition_matches_spans_yaml() {
    let inference = SPANS.iter().find(|span| span.span_type == "gen_ai.inference.client").unwrap();
    assert!(inference.client);
    assert_eq!(inference.operations, ["chat", "text_completion", "generate_content"]);
    let requirement = |name| inference.attributes.iter().find(|a| a.name == name).map(|a| a.requirement);
    assert_eq!(requirement("gen_ai.provider.name"), Some(Requirement::Required));
    assert_eq!(requirement("gen_ai.operation.name"), Some(Requirement::Required));
    assert_eq!(requirement("gen_ai.request.model"), Some(Requirement::ConditionallyRequired));
    assert_eq!(requirement("gen_ai.input.messages"), Some(Requirement::OptIn));
    let tool = SPANS.iter().find(|span| span.span_type == "gen_ai.execute_tool.internal").unwrap();
    assert!(!tool.client);
}
