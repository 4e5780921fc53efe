//! The imagegen domain: the `Generation` aggregate, its state machine, its value types
//! and the domain events it records. No I/O, no async, no framework types.
//!
//! # Layout
//!
//! - [`ids`]: typed identifiers (`GenerationId`, `UserId`, ...).
//! - [`prompt`], [`settings`] and [`callback`]: validated user input ("parse, don't validate").
//! - [`status`]: the generation statuses and their order.
//! - [`provider_update`]: what a provider tells us, normalized across providers.
//! - [`generation`]: the aggregate and its moves.
//! - [`events`]: domain events and their stored envelope.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod address;
pub mod breaker;
pub mod callback;
pub mod delivery;
pub mod delivery_patch;
pub mod events;
pub mod failure;
pub mod generation;
pub mod ids;
pub mod image;
pub mod prompt;
pub mod provider_update;
pub mod settings;
pub mod status;
pub mod webhook_id;

pub use address::is_public;
pub use breaker::{Breaker, BreakerRules, BreakerState, Tally};
pub use callback::{CallbackUrl, CallbackUrlError};
pub use delivery::{DeliveryPolicy, DeliveryPolicyError, rollout_bucket};
pub use delivery_patch::DeliveryPolicyPatch;
pub use events::{EventDecodeError, EventEnvelope, EventSubject, GenerationEvent, SCHEMA_VERSION};
pub use failure::{FailureCode, FailureReason};
pub use generation::{
    Generation, GenerationError, GenerationSnapshot, NewGeneration, RestoreError,
};
pub use ids::{ExternalId, GenerationId, ImageId, OrganizationId, UserId};
pub use image::StoredImage;
pub use prompt::{Prompt, PromptError};
pub use provider_update::{ProviderName, ProviderStatus, ProviderUpdate, UnknownProvider};
pub use settings::{
    GenerationSettings, ImageSize, OPENAI_IMAGE_MODEL, OPENAI_SIZES, SettingsError, SettingsInput,
};
pub use status::{DeliveryMode, GenerationStatus};
pub use webhook_id::WebhookId;
