//! What happens to a captured value before it is recorded: the application's redactor,
//! secret-looking keys masked, and a size limit that never breaks the JSON nor a UTF-8
//! character.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::messages::{ToJson, json_within};
use super::{ContentKind, LIMIT, REDACTOR, redactor};

/// The default limit of one captured value, in bytes of JSON.
pub const CONTENT_LIMIT: usize = 32 * 1024;

/// What replaces the value of a secret-looking key.
pub const REDACTED: &str = "[REDACTED]";

/// Sets the limit of one captured value, in bytes of JSON (at least 64). Longer text is cut
/// at a character boundary and marked with `…`; the JSON stays valid.
pub fn set_content_limit(bytes: usize) {
    LIMIT.store(bytes.max(64), Ordering::Relaxed);
}

/// Sets a function that sees (and may change) every captured value before it is recorded:
/// to remove personal data, say.
///
/// ```
/// use otel_genai::content::{ContentKind, set_content_redactor};
///
/// set_content_redactor(|kind, value| {
///     if kind == ContentKind::InputMessages {
///         // e.g. replace e-mail addresses in every text part
///     }
///     let _ = value;
/// });
/// ```
pub fn set_content_redactor(redactor: impl Fn(ContentKind, &mut Value) + Send + Sync + 'static) {
    *REDACTOR.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(redactor));
}

/// Parts of a key (lowercase, `_` and `-` removed) that name a secret.
const SECRET_PARTS: [&str; 9] =
    ["apikey", "secret", "password", "passwd", "privatekey", "accesskey", "authorization", "cookie", "credential"];

/// Whether `key` names a secret: `api_key`, `clientSecret`, `aws_secret_access_key`,
/// `accessToken`, `Authorization`... but not `max_tokens`.
fn secret_looking(key: &str) -> bool {
    // Folded on the stack: every key of every captured value is looked at.
    let folded = key.bytes().filter(|byte| !matches!(byte, b'_' | b'-')).map(|byte| byte.to_ascii_lowercase());
    let mut short = [0_u8; 64];
    let long: Vec<u8>;
    let key: &[u8] = if key.len() <= short.len() {
        let mut len = 0;
        for (slot, byte) in short.iter_mut().zip(folded) {
            *slot = byte;
            len += 1;
        }
        &short[..len]
    } else {
        long = folded.collect();
        &long
    };
    let contains = |part: &str| key.windows(part.len()).any(|window| window == part.as_bytes());
    key == b"auth" || key.ends_with(b"token") || SECRET_PARTS.iter().any(|part| contains(part))
}

/// Replaces the values of secret-looking keys, anywhere in `value`, with [`REDACTED`].
pub(crate) fn mask_secrets(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                if secret_looking(key) {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    mask_secrets(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// `value` as the JSON text of a captured attribute: redacted by the application's
/// redactor, secrets masked, and within the limit.
pub(crate) fn captured_json(kind: ContentKind, value: Value) -> String {
    captured_json_within(kind, value, LIMIT.load(Ordering::Relaxed))
}

/// Items of the message model as the JSON text of a captured attribute: each text cut to
/// the limit before it is copied, then as [`captured_json`].
pub(crate) fn captured_items<T: ToJson>(kind: ContentKind, items: &[T]) -> String {
    let limit = LIMIT.load(Ordering::Relaxed);
    captured_json_within(kind, json_within(items, limit), limit)
}

/// [`captured_json`] with the limit given.
fn captured_json_within(kind: ContentKind, mut value: Value, limit: usize) -> String {
    if let Some(redactor) = redactor() {
        redactor(kind, &mut value);
    }
    mask_secrets(&mut value);
    let mut text = value.to_string();
    if text.len() <= limit {
        return text;
    }
    // Over: first give every text an equal share of the limit, then cut the longest by
    // what is still over, and last drop the oldest items, until it fits.
    // The share is of what the rest of the value (keys, structure, short fields) leaves.
    let (count, length) = cuttable_strings(&value);
    let rest = text.len().saturating_sub(length);
    let share = (limit.saturating_sub(rest) / count.max(1)).max(16);
    cap_strings(&mut value, share);
    text = value.to_string();
    while text.len() > limit {
        let over = text.len() - limit;
        if !cut_longest_string(&mut value, over) && !drop_first_item(&mut value) {
            break;
        }
        text = value.to_string();
    }
    if text.len() <= limit { text } else { empty_like(&value).to_string() }
}

/// Keys whose text says what a message or part is (`"type": "tool_call"`, `"role"`, a tool's
/// name): cut, the value would no longer say it, so only other texts are cut.
const STRUCTURAL: [&str; 8] = ["type", "role", "modality", "mime_type", "finish_reason", "id", "name", "file_id"];

/// Whether the field `key` of an object with `fields` says what a message or part is: only
/// in an item of the message model (it has a `type` or a `role`), not in the application's
/// own JSON inside one (a tool's arguments or result may well have a long `name`).
fn structural(fields: &serde_json::Map<String, Value>, key: &str, field: &Value) -> bool {
    field.is_string() && STRUCTURAL.contains(&key) && (fields.contains_key("type") || fields.contains_key("role"))
}

/// The fields of an object whose text may be cut.
fn cuttable(fields: &mut serde_json::Map<String, Value>) -> impl Iterator<Item = &mut Value> {
    let kept: Vec<bool> = fields.iter().map(|(key, field)| structural(fields, key, field)).collect();
    fields.values_mut().zip(kept).filter(|(_, kept)| !kept).map(|(field, _)| field)
}

/// How many texts `value` holds that may be cut, and their length in bytes.
fn cuttable_strings(value: &Value) -> (usize, usize) {
    let add = |(count, length): (usize, usize), (more, longer): (usize, usize)| (count + more, length + longer);
    match value {
        Value::String(text) => (1, text.len()),
        Value::Array(items) => items.iter().map(cuttable_strings).fold((0, 0), add),
        Value::Object(fields) => fields
            .iter()
            .filter(|(key, field)| !structural(fields, key, field))
            .map(|(_, field)| cuttable_strings(field))
            .fold((0, 0), add),
        _ => (0, 0),
    }
}

/// Cuts every string longer than `share` bytes to `share`, marked.
fn cap_strings(value: &mut Value, share: usize) {
    match value {
        Value::String(text) if text.len() > share => {
            let mut boundary = share.saturating_sub(MARK.len());
            while !text.is_char_boundary(boundary) {
                boundary -= 1;
            }
            text.truncate(boundary);
            text.push_str(MARK);
        }
        Value::Array(items) => items.iter_mut().for_each(|item| cap_strings(item, share)),
        Value::Object(fields) => cuttable(fields).for_each(|field| cap_strings(field, share)),
        _ => {}
    }
}

const MARK: &str = "…";

/// Cuts the longest string in `value` by at least `over` bytes (plus the mark), at a
/// character boundary. False when no string is long enough to help.
fn cut_longest_string(value: &mut Value, over: usize) -> bool {
    let Some(longest) = longest_string(value) else { return false };
    if longest.len() <= 2 * MARK.len() {
        return false;
    }
    let keep = longest.len().saturating_sub(over + MARK.len());
    let mut boundary = keep;
    while !longest.is_char_boundary(boundary) {
        boundary -= 1;
    }
    longest.truncate(boundary);
    longest.push_str(MARK);
    true
}

/// The longest text that may be cut; of equals, the first (the oldest message's).
fn longest_string(value: &mut Value) -> Option<&mut String> {
    match value {
        Value::String(text) => Some(text),
        Value::Array(items) => first_longest(items.iter_mut().filter_map(longest_string)),
        Value::Object(fields) => first_longest(cuttable(fields).filter_map(longest_string)),
        _ => None,
    }
}

fn first_longest<'a>(texts: impl Iterator<Item = &'a mut String>) -> Option<&'a mut String> {
    texts.min_by_key(|text| std::cmp::Reverse(text.len()))
}

/// Drops the first item of the outermost array: the oldest message goes first.
fn drop_first_item(value: &mut Value) -> bool {
    match value {
        Value::Array(items) if items.len() > 1 => {
            items.remove(0);
            true
        }
        _ => false,
    }
}

fn empty_like(value: &Value) -> Value {
    match value {
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(_) => Value::Object(serde_json::Map::new()),
        _ => Value::String(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secret_looking_keys_are_masked_anywhere() {
        let mut value = json!({
            "query": "rust", "api_key": "sk-1", "client": {"Authorization": "Bearer x", "max_tokens": 5},
            "items": [{"db_password": "hunter2"}, {"accessToken": "t", "clientSecret": "s", "aws_secret_access_key": "k"}],
            "usage": {"input_tokens": 3, "token_count": 4}
        });
        // Keys longer than the folding buffer, secret or not.
        let long_secret = format!("{}api_key", "x_".repeat(40));
        let long_plain = format!("{}count", "x_".repeat(40));
        value["client"][long_secret.as_str()] = json!("sk-2");
        value["client"][long_plain.as_str()] = json!(7);
        value["client"]["auth"] = json!("basic");
        mask_secrets(&mut value);
        assert_eq!(value["client"][long_secret.as_str()], REDACTED);
        assert_eq!(value["client"][long_plain.as_str()], 7);
        assert_eq!(value["client"]["auth"], REDACTED);
        let client = value["client"].as_object_mut().unwrap();
        client.retain(|key, _| key.len() < 60 && key != "auth");
        assert_eq!(
            value,
            json!({
                "query": "rust", "api_key": REDACTED, "client": {"Authorization": REDACTED, "max_tokens": 5},
                "items": [{"db_password": REDACTED}, {"accessToken": REDACTED, "clientSecret": REDACTED, "aws_secret_access_key": REDACTED}],
                "usage": {"input_tokens": 3, "token_count": 4}
            })
        );
    }

    #[test]
    fn a_long_history_keeps_a_share_of_every_message_and_then_its_newest() {
        let messages: Vec<Value> = (0..100)
            .map(|n| json!({"role": "user", "parts": [{"type": "text", "content": format!("{n:03} {}", "x".repeat(1000))}]}))
            .collect();
        let text = captured_json(ContentKind::InputMessages, Value::Array(messages));
        assert!(text.len() <= CONTENT_LIMIT, "{} bytes", text.len());
        let kept: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert!(kept.len() > 10, "only {} messages kept", kept.len());
        let last = kept.last().unwrap()["parts"][0]["content"].as_str().unwrap();
        assert!(last.starts_with("099 "), "the newest message stays: {last}");
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary_and_the_json_stays_valid() {
        // The limit given, not set: the other tests of this binary read the process-wide one.
        let long = "é".repeat(500) + "\"quoted\"";
        let message = json!([{"role": "user", "parts": [{"type": "text", "content": long}]}]);
        let text = captured_json_within(ContentKind::Other, message, 100);
        assert!(text.len() <= 100, "{} bytes", text.len());
        let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
        let content = parsed[0]["parts"][0]["content"].as_str().unwrap();
        assert!(content.ends_with('…') && content.starts_with('é'), "{content}");
        assert_eq!(parsed[0]["role"], "user");
    }

    #[test]
    fn what_a_part_is_stays_whole_and_a_value_without_text_empties() {
        let reply = "x".repeat(1000);
        let message =
            json!([{"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": reply}]}]);
        let text = captured_json_within(ContentKind::Other, message, 100);
        assert!(text.len() <= 100, "{} bytes", text.len());
        let parsed: Value = serde_json::from_str(&text).unwrap();
        let part = &parsed[0]["parts"][0];
        assert_eq!(
            (&parsed[0]["role"], &part["type"], &part["id"]),
            (&json!("tool"), &json!("tool_call_response"), &json!("call_1"))
        );
        assert!(part["response"].as_str().unwrap().ends_with('…'), "{text}");
        // The application's own JSON (a tool's arguments) has no such fields: a long name
        // in it is cut like any text.
        let arguments = json!({"name": "y".repeat(1000), "count": 3});
        let text = captured_json_within(ContentKind::ToolArguments, arguments, 100);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert!(text.len() <= 100 && parsed["name"].as_str().unwrap().ends_with('…'), "{text}");
        assert_eq!(parsed["count"], 3);
        // No text to cut and no item to drop: an empty value of the same kind.
        let numbers = json!({"n": (0..10_000).collect::<Vec<u32>>()});
        assert_eq!(captured_json_within(ContentKind::Other, numbers, 100), "{}");
    }
}
