//! Test data shared by the suites.

use chrono::{DateTime, Utc};
use imagegen_application::ports::{Clock, SystemClock};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, GenerationSettings, NewGeneration,
    OrganizationId, Prompt, ProviderName, ProviderStatus, ProviderUpdate, UserId,
};
use uuid::Uuid;

/// A pending generation of `user`.
pub fn generation_of(user_id: UserId) -> Generation {
    Generation::create(
        NewGeneration {
            id: GenerationId::new(),
            user_id,
            organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
            prompt: Prompt::parse("a contract test").unwrap(),
            settings: GenerationSettings::default(),
            provider: ProviderName::Simulator,
            delivery_mode: DeliveryMode::Webhook,
        },
        now(),
    )
}

/// Now, to the microsecond (what stores keep).
pub fn now() -> DateTime<Utc> {
    SystemClock.now()
}

/// A pending generation of a new user.
pub fn generation() -> Generation {
    generation_of(UserId::from_uuid(Uuid::new_v4()))
}

/// Moves a generation to processing, recording two events.
pub fn advance(generation: &mut Generation) {
    let external_id = ExternalId::parse("pred-1").unwrap();
    generation
        .record_submission(external_id.clone(), now())
        .unwrap();
    let update = ProviderUpdate {
        external_id,
        status: ProviderStatus::Processing,
        output_urls: vec![],
        error: None,
    };
    generation.apply_provider_update(&update, now()).unwrap();
}
