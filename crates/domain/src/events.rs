//! Domain events and their stored envelope.
//!
//! Each move of a generation records exactly one [`GenerationEvent`]. The envelope is
//! the JSON form that is stored, published and pushed to browsers. Payload fields added
//! in later schema versions carry `#[serde(default)]`, so older events still read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FailureReason;
use crate::{ExternalId, GenerationId, GenerationStatus, OrganizationId, ProviderName};
use crate::{StoredImage, UserId};

/// The schema version written into new envelopes.
pub const SCHEMA_VERSION: u32 = 1;
/// The aggregate type written into envelopes of generation events.
pub const AGGREGATE_TYPE: &str = "generation";

/// A fact about a generation. Every payload carries the new `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event_type", content = "payload")]
pub enum GenerationEvent {
    /// The provider accepted or started the prediction.
    GenerationStarted {
        /// `starting`, or a later status the update skipped to.
        status: GenerationStatus,
        /// Who runs the prediction.
        provider: ProviderName,
        /// The provider's id of the prediction.
        external_id: ExternalId,
    },
    /// Any other forward move that is not an ending.
    GenerationStatusChanged {
        /// The new status.
        status: GenerationStatus,
        /// The status it left.
        previous_status: GenerationStatus,
        /// Progress in percent, 0 to 100.
        #[serde(default)]
        progress: u8,
    },
    /// Our copies of the outputs are stored.
    GenerationCompleted {
        /// `completed`.
        status: GenerationStatus,
        /// Our stored copies of the outputs.
        #[serde(default)]
        images: Vec<StoredImage>,
    },
    /// The generation ended failed.
    GenerationFailed {
        /// `failed`.
        status: GenerationStatus,
        /// The status it left.
        previous_status: GenerationStatus,
        /// Why, in a stable code and our words.
        error: FailureReason,
    },
    /// The generation ended cancelled (by its user, or at the provider).
    GenerationCancelled {
        /// `cancelled`.
        status: GenerationStatus,
        /// The status it left.
        previous_status: GenerationStatus,
    },
}

impl GenerationEvent {
    /// The event type name, as in the envelope and the SSE `event:` field.
    pub const fn event_type(&self) -> &'static str {
        match self {
            Self::GenerationStarted { .. } => "GenerationStarted",
            Self::GenerationStatusChanged { .. } => "GenerationStatusChanged",
            Self::GenerationCompleted { .. } => "GenerationCompleted",
            Self::GenerationFailed { .. } => "GenerationFailed",
            Self::GenerationCancelled { .. } => "GenerationCancelled",
        }
    }

    /// The status the generation moved to.
    pub const fn status(&self) -> GenerationStatus {
        match self {
            Self::GenerationStarted { status, .. }
            | Self::GenerationStatusChanged { status, .. }
            | Self::GenerationCompleted { status, .. }
            | Self::GenerationFailed { status, .. }
            | Self::GenerationCancelled { status, .. } => *status,
        }
    }
}

/// The stored, published form of a domain event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// Unique per event: clients deduplicate by it.
    pub event_id: Uuid,
    /// `GenerationStarted`, `GenerationStatusChanged`...
    pub event_type: String,
    /// Always `generation`.
    pub aggregate_type: String,
    /// The generation it is about.
    pub aggregate_id: GenerationId,
    /// The aggregate's version after this move: 1, 2, 3... per generation.
    pub sequence: u64,
    /// The payload's schema: raised when its shape changes incompatibly.
    pub schema_version: u32,
    /// When the move happened.
    pub occurred_at: DateTime<Utc>,
    /// Whose generation: the user channel it goes to.
    pub user_id: UserId,
    /// Whose organization: the organization channel it goes to.
    pub organization_id: OrganizationId,
    /// The event's fields (see [`GenerationEvent`]).
    pub payload: serde_json::Value,
}

/// An envelope whose type or payload this version cannot read.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode event {event_type} (schema {schema_version})")]
pub struct EventDecodeError {
    /// The type the envelope named.
    pub event_type: String,
    /// The schema the envelope named.
    pub schema_version: u32,
    /// Why the payload did not decode.
    #[source]
    pub source: serde_json::Error,
}

/// Who and what an envelope is about; filled in by the aggregate.
#[derive(Debug, Clone, Copy)]
pub struct EventSubject {
    /// The generation.
    pub aggregate_id: GenerationId,
    /// Its owner.
    pub user_id: UserId,
    /// Its owner's organization.
    pub organization_id: OrganizationId,
}

impl EventEnvelope {
    /// Wraps an event for storage.
    pub fn wrap(
        subject: EventSubject,
        event: &GenerationEvent,
        sequence: u64,
        occurred_at: DateTime<Utc>,
    ) -> Self {
        // Adjacently tagged: serializing yields {"event_type": .., "payload": ..}.
        let payload = match serde_json::to_value(event) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("payload").unwrap_or(serde_json::Value::Null)
            }
            _ => serde_json::Value::Null,
        };
        Self {
            event_id: Uuid::now_v7(),
            event_type: event.event_type().to_owned(),
            aggregate_type: AGGREGATE_TYPE.to_owned(),
            aggregate_id: subject.aggregate_id,
            sequence,
            schema_version: SCHEMA_VERSION,
            occurred_at,
            user_id: subject.user_id,
            organization_id: subject.organization_id,
            payload,
        }
    }

    /// Reads the event back from its type and payload.
    pub fn decode(&self) -> Result<GenerationEvent, EventDecodeError> {
        let tagged = serde_json::json!({
            "event_type": self.event_type,
            "payload": self.payload,
        });
        serde_json::from_value(tagged).map_err(|source| EventDecodeError {
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> EventSubject {
        EventSubject {
            aggregate_id: GenerationId::new(),
            user_id: UserId::from_uuid(Uuid::new_v4()),
            organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        }
    }

    #[test]
    fn an_envelope_round_trips_its_event() {
        let event = GenerationEvent::GenerationStatusChanged {
            status: GenerationStatus::Processing,
            previous_status: GenerationStatus::Starting,
            progress: 50,
        };
        let envelope = EventEnvelope::wrap(subject(), &event, 2, Utc::now());
        assert_eq!(envelope.event_type, "GenerationStatusChanged");
        assert_eq!(envelope.payload["status"], "processing");
        assert_eq!(envelope.decode().unwrap(), event);
    }

    #[test]
    fn an_event_written_without_later_fields_still_reads() {
        let mut envelope = EventEnvelope::wrap(
            subject(),
            &GenerationEvent::GenerationCompleted {
                status: GenerationStatus::Completed,
                images: vec![],
            },
            5,
            Utc::now(),
        );
        envelope.payload = serde_json::json!({"status": "completed"});
        assert!(matches!(
            envelope.decode().unwrap(),
            GenerationEvent::GenerationCompleted { images, .. } if images.is_empty()
        ));
    }

    #[test]
    fn an_unknown_event_type_is_a_decode_error() {
        let mut envelope = EventEnvelope::wrap(
            subject(),
            &GenerationEvent::GenerationCancelled {
                status: GenerationStatus::Cancelled,
                previous_status: GenerationStatus::Pending,
            },
            1,
            Utc::now(),
        );
        envelope.event_type = "GenerationExploded".into();
        assert!(envelope.decode().is_err());
    }
}
