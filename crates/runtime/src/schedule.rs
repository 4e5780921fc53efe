//! Schedules: a job run once per slot of a fixed interval across the deployment.
//! Every worker runs the schedule; each queues the job for the start of the next slot
//! (slots are aligned to the Unix epoch, so every process names the same ones) under a
//! key that names the slot. Copies from several workers are one job while it waits, and
//! a worker that restarts queues the slot after, never a second run of the one just
//! done.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use imagegen_application::ports::{JobQueue, NewJob};
use tokio_util::sync::CancellationToken;

/// The start of the slot of `interval` after the one `now` is in.
pub fn next_slot(now: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    let step = i64::try_from(interval.as_secs().max(1)).unwrap_or(i64::MAX);
    let next = (now.timestamp().div_euclid(step) + 1).saturating_mul(step);
    DateTime::from_timestamp(next, 0).unwrap_or(now)
}

/// `job` for the slot starting at `slot`: due then, keyed by its key and the slot.
pub fn for_slot(job: &NewJob, slot: DateTime<Utc>) -> NewJob {
    let key = job.idempotency_key.as_deref().unwrap_or("scheduled");
    job.clone()
        .with_key(format!("{key}:{}", slot.timestamp()))
        .at(slot)
}

/// Queues `job` for the next slot of `interval`, now and then every `interval`, until
/// `shutdown` is cancelled.
pub async fn every(
    queue: Arc<dyn JobQueue>,
    job: NewJob,
    interval: Duration,
    shutdown: CancellationToken,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        let slotted = for_slot(&job, next_slot(Utc::now(), interval));
        if let Err(error) = queue.enqueue(slotted).await {
            tracing::warn!(%error, job.queue = %job.queue, "could not queue a scheduled job; next time");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_aligned_to_the_interval_and_the_next_one_is_ahead() {
        let hour = Duration::from_secs(3600);
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        assert_eq!(next_slot(at(36_000), hour), at(39_600));
        assert_eq!(next_slot(at(39_599), hour), at(39_600));
        assert_eq!(next_slot(at(39_600), hour), at(43_200));
    }
}
