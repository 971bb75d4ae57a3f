//! The pinned conventions' JSON schemas of captured content (carried here as data), and
//! validation against them.

use serde_json::{Value, json};

/// The validator of `gen-ai-{name}.json`.
pub fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("{}/schemas/gen-ai-{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    offline(&mut schema);
    jsonschema::validator_for(&schema).unwrap()
}

/// A tool's `parameters` is itself a JSON Schema, referenced by the draft-07 meta-schema's
/// URL; offline, check only that it has a schema's shape (an object or a boolean).
fn offline(schema: &mut Value) {
    match schema {
        Value::Object(fields) => {
            if fields.get("$ref").and_then(|r| r.as_str()).is_some_and(|r| r.starts_with("http://json-schema.org/")) {
                *schema = json!({"type": ["object", "boolean"]});
                return;
            }
            fields.values_mut().for_each(offline);
        }
        Value::Array(items) => items.iter_mut().for_each(offline),
        _ => {}
    }
}

/// Asserts that `value` is valid against schema `name`, listing every violation.
pub fn assert_valid(name: &str, value: &Value) {
    let errors: Vec<String> =
        schema(name).iter_errors(value).map(|error| format!("{error} at {}", error.instance_path())).collect();
    assert!(errors.is_empty(), "{name}: {value:#}\n{errors:#?}");
}
