//! Tell a user's callback URL that a generation finished: a `user-notifications` job,
//! queued with the move to a terminal status when the generation has a callback URL.
//! The notice's id is the same on every try, so the receiver can drop repeats.

use std::sync::Arc;

use async_trait::async_trait;
use imagegen_domain::Generation;
use serde_json::{Value, json};

use super::{JobHandler, JobPayload, NotifyUser};
use crate::ports::{GenerationRepository, Job, Notice, QueueName, UserNotifier};
use crate::{Error, Result};

/// Runs `user-notifications` jobs.
pub struct NotifyUserHandler {
    repository: Arc<dyn GenerationRepository>,
    notifier: Arc<dyn UserNotifier>,
    /// Where image URLs in notices point (the api's public address).
    public_base_url: String,
}

impl NotifyUserHandler {
    /// Tells the callback URLs of generations in `repository` through `notifier`, with
    /// image URLs under `public_base_url`.
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        notifier: Arc<dyn UserNotifier>,
        public_base_url: &str,
    ) -> Self {
        Self {
            repository,
            notifier,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The notice's body, in the Standard Webhooks shape (`type`, `timestamp`, `data`).
    fn body(&self, generation: &Generation) -> Value {
        let images: Vec<Value> = generation
            .outputs()
            .iter()
            .map(|image| {
                json!({
                    "id": image.id.to_string(),
                    "url": format!("{}/v1/images/{}", self.public_base_url, image.id),
                    "content_type": image.content_type,
                    "width": image.width,
                    "height": image.height,
                })
            })
            .collect();
        json!({
            "type": format!("generation.{}", generation.status()),
            "timestamp": generation.completed_at(),
            "data": {
                "id": generation.id().to_string(),
                "status": generation.status().to_string(),
                "prompt": generation.prompt().as_str(),
                "images": images,
                "error": generation.error(),
                "completed_at": generation.completed_at(),
            },
        })
    }
}

#[async_trait]
impl JobHandler for NotifyUserHandler {
    fn queue(&self) -> QueueName {
        QueueName::UserNotifications
    }

    async fn handle(&self, job: &Job) -> Result<()> {
        let NotifyUser { generation_id } = NotifyUser::from_job(job)?;
        let generation = self
            .repository
            .get(generation_id)
            .await?
            .ok_or(Error::NotFound { what: "generation" })?;
        let Some(url) = generation.settings().callback_url().cloned() else {
            return Ok(());
        };
        if !generation.status().is_terminal() {
            return Err(Error::bug(
                "a notice for a generation that has not finished",
            ));
        }
        let notice = Notice {
            id: format!("{}.{}", generation.id(), generation.status()),
            url,
            body: self.body(&generation),
        };
        self.notifier.notify(&notice).await?;
        tracing::info!(generation.id = %generation.id(), notice.id = %notice.id, "user notified");
        Ok(())
    }
}
