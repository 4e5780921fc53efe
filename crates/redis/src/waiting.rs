//! Waiting for work without polling: an enqueue pushes a token on the queue's `wake`
//! list, and an idle `reserve` blocks on those lists (`BRPOP`) on a connection of its
//! own (a blocking command must never hold a pooled one), until a job is queued or the
//! next delayed job or lease expiry is due. The runner waits on one queue at a time: a
//! blocking command may name keys of one hash slot only (Redis Cluster), so a wait
//! over several queues naps briefly instead and looks again.

use std::time::Duration;

use imagegen_application::Result;
use imagegen_application::ports::QueueName;

use crate::RedisJobQueue;
use crate::error::unavailable;

/// The shortest block: `BRPOP` treats 0 as "forever".
const SHORTEST: Duration = Duration::from_millis(10);

/// The nap of a wait over several queues.
const MULTI_QUEUE_NAP: Duration = Duration::from_millis(25);

impl RedisJobQueue {
    /// Returns when a job of `queues` may be ready, or after `longest`.
    pub(crate) async fn wait_for_work(
        &self,
        queues: &[QueueName],
        longest: Duration,
    ) -> Result<()> {
        let mut nap = longest;
        let now_ms = self.clock.now().timestamp_millis();
        for queue in queues {
            if let (_, Some(due_ms)) = self.counts(*queue).await? {
                let until_due = u64::try_from(due_ms - now_ms).unwrap_or(0);
                nap = nap.min(Duration::from_millis(until_due));
            }
        }
        let nap = nap.max(SHORTEST);
        let [queue] = queues else {
            tokio::time::sleep(nap.min(MULTI_QUEUE_NAP)).await;
            return Ok(());
        };
        // A connection of this wait's own; kept for the next wait when it worked.
        let idle = crate::lock(&self.blocking).pop();
        let mut connection = match idle {
            Some(connection) => connection,
            None => self.target.blocking().await.map_err(unavailable)?,
        };
        let mut brpop = redis::cmd("BRPOP");
        brpop
            .arg(format!("{}:wake", self.base(*queue)))
            .arg(nap.as_secs_f64());
        let _: Option<(String, String)> = brpop
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        crate::lock(&self.blocking).push(connection);
        Ok(())
    }
}
