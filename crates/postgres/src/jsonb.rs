//! JSON as Postgres `jsonb` can keep it. `jsonb` refuses the escape `\u0000` (its text
//! type cannot hold U+0000), yet any valid JSON may carry it: a provider's webhook body
//! with a model's raw logs, say. Such strings are stored with the NUL written out as
//! the six characters `\u0000`, so the delivery is kept instead of refused for ever.

use std::borrow::Cow;

use serde_json::Value;

/// `value`, or a copy with every U+0000 in its strings and keys written as `\u0000`.
pub(crate) fn storable(value: &Value) -> Cow<'_, Value> {
    if has_nul(value) {
        Cow::Owned(escape(value))
    } else {
        Cow::Borrowed(value)
    }
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn escape_text(text: &str) -> String {
    text.replace('\0', "\\u0000")
}

fn escape(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(escape_text(s)),
        Value::Array(items) => Value::Array(items.iter().map(escape).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (escape_text(k), escape(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_characters_anywhere_are_written_out_and_the_rest_is_kept() {
        let body = json!({ "logs": "step 1\u{0}step 2", "a\u{0}": [1, "x\u{0}"], "n": null });
        assert_eq!(
            storable(&body).into_owned(),
            json!({ "logs": "step 1\\u0000step 2", "a\\u0000": [1, "x\\u0000"], "n": null })
        );
    }

    #[test]
    fn json_without_nul_is_not_copied() {
        let body = json!({ "status": "succeeded", "output": ["https://x/1.png"] });
        assert!(matches!(storable(&body), Cow::Borrowed(_)));
    }
}
