//! OpenAI's webhook envelope: `{"object": "event", "id": "evt_...", "type":
//! "response.completed", "data": {"id": "resp_..."}}`. It names the response and
//! carries no result: the response is fetched for that.

use imagegen_domain::ExternalId;
use serde::Deserialize;

use crate::ParseError;

/// What an OpenAI event asks of us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenAiEvent {
    /// A response ended (`response.completed`, `.failed`, `.cancelled`,
    /// `.incomplete`): fetch it.
    ResponseEnded {
        /// The response to read (`resp_...`).
        response_id: ExternalId,
        /// The event's type, for logs.
        kind: String,
    },
    /// Any other type (`batch.*`, `fine_tuning.job.*`, `eval.run.*`): acknowledged
    /// and ignored.
    Ignored {
        /// The event's type, for logs.
        kind: String,
    },
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: serde_json::Value,
}

const RESPONSE_ENDS: [&str; 4] = [
    "response.completed",
    "response.failed",
    "response.cancelled",
    "response.incomplete",
];

/// Parses an event envelope.
pub fn parse_openai_event(body: &[u8]) -> Result<OpenAiEvent, ParseError> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| ParseError::Malformed(e.to_string()))?;
    if !RESPONSE_ENDS.contains(&envelope.kind.as_str()) {
        return Ok(OpenAiEvent::Ignored {
            kind: envelope.kind,
        });
    }
    let response_id = envelope.data["id"]
        .as_str()
        .and_then(ExternalId::parse)
        .ok_or(ParseError::MissingId)?;
    Ok(OpenAiEvent::ResponseEnded {
        response_id,
        kind: envelope.kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_event_names_its_response_and_others_are_ignored() {
        let body = br#"{"object":"event","id":"evt_1","type":"response.completed","created_at":1750287018,"data":{"id":"resp_9"}}"#;
        assert_eq!(
            parse_openai_event(body),
            Ok(OpenAiEvent::ResponseEnded {
                response_id: ExternalId::parse("resp_9").unwrap(),
                kind: "response.completed".into()
            })
        );
        let batch =
            br#"{"object":"event","id":"evt_2","type":"batch.completed","data":{"id":"batch_1"}}"#;
        assert!(matches!(
            parse_openai_event(batch),
            Ok(OpenAiEvent::Ignored { .. })
        ));
        let no_id = br#"{"type":"response.failed","data":{}}"#;
        assert_eq!(parse_openai_event(no_id), Err(ParseError::MissingId));
        assert!(matches!(
            parse_openai_event(b"[1]"),
            Err(ParseError::Malformed(_))
        ));
    }
}
