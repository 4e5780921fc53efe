//! The api's queues as an operator sees them (through the admin use case): counts
//! and dead letters.

use imagegen_application::ports::{DeadLetter, QueueName, QueueStats};
use imagegen_application::{Caller, Role};
use imagegen_domain::{OrganizationId, UserId};
use uuid::Uuid;

use crate::support::Api;
use crate::waiting::eventually_async;

/// An admin, for the queues' counts and dead letters.
pub fn operator() -> Caller {
    Caller {
        user_id: UserId::from_uuid(Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
        role: Role::Admin,
    }
}

impl Api {
    /// The counts of one of the api's queues.
    pub async fn queue_stats(&self, queue: QueueName) -> QueueStats {
        let overview = self.services.operate_queues.overview(&operator()).await;
        let mut queues = overview.unwrap().into_iter();
        queues.find(|q| q.queue == queue).unwrap().stats
    }
}

/// Waits until `queue` has dead letters and returns them.
pub async fn dead_letters(api: &Api, queue: QueueName) -> Vec<DeadLetter> {
    eventually_async("a job to be dead-lettered", || async {
        let operate = &api.services.operate_queues;
        let dead = operate.dead(&operator(), queue, 10).await.ok()?;
        (!dead.is_empty()).then_some(dead)
    })
    .await
}
