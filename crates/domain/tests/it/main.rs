//! State machine tests of the `Generation` aggregate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod moves;
mod properties;
mod restore;

use chrono::{DateTime, TimeZone, Utc};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, NewGeneration,
    OrganizationId, Prompt, ProviderName, ProviderStatus, ProviderUpdate, UserId,
};
use uuid::Uuid;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

pub fn pending_generation() -> Generation {
    Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id: UserId::from_uuid(Uuid::new_v4()),
            organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
            prompt: Prompt::parse("a lighthouse at dusk").unwrap(),
            settings: GenerationSettings::default(),
            provider: ProviderName::Replicate,
            delivery_mode: DeliveryMode::Webhook,
        },
        now(),
    )
}

/// A generation whose create call was answered (status starting), its event taken.
pub fn submitted_generation() -> Generation {
    let mut generation = pending_generation();
    generation.record_submission(external_id(), now()).unwrap();
    generation.take_events();
    generation
}

pub fn external_id() -> ExternalId {
    ExternalId::parse("p1abcdefghijklmnopqrstuvwx").unwrap()
}

pub fn update(status: ProviderStatus) -> ProviderUpdate {
    let output_urls = if status == ProviderStatus::Succeeded {
        vec!["https://replicate.delivery/out-0.png".to_owned()]
    } else {
        Vec::new()
    };
    ProviderUpdate {
        external_id: external_id(),
        status,
        output_urls,
        error: None,
    }
}
