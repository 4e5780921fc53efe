//! Queued jobs: their payloads and idempotent handlers. Delivery is at least once, so
//! every handler may run twice for one job and must then change nothing more.

mod apply_provider_update;
mod cleanup;
mod end_stuck;
mod notify_user;
mod resolve_provider_event;
mod store_images;
mod submit_generation;
mod verify_by_poll;

use async_trait::async_trait;

pub use apply_provider_update::ApplyProviderUpdateHandler;
pub use cleanup::{Cleanup, CleanupHandler};
pub use notify_user::NotifyUserHandler;
// The payloads live in a module of their own, which use cases queue too.
pub use crate::job_payloads::{
    ApplyProviderUpdate, CancelPrediction, EndStuckGeneration, GenerationWebhookJob, JobPayload,
    NotifyUser, ProviderSubmissionJob, ResolveProviderEvent, StoreImages, StuckReason,
    SubmitGeneration, VerifyByPoll,
};
pub use store_images::{DEFAULT_COPY_DEADLINE, StoreImagesHandler};
pub use submit_generation::SubmitGenerationHandler;

use crate::Result;
use crate::ports::{Job, QueueName};

/// Runs the jobs of one queue.
#[async_trait]
pub trait JobHandler: Send + Sync {
    /// The queue whose jobs this handler runs.
    fn queue(&self) -> QueueName;

    /// Runs one job. A transient error ([`Error::is_transient`](crate::Error::is_transient))
    /// asks for a retry; any other error dead-letters the job.
    async fn handle(&self, job: &Job) -> Result<()>;
}
