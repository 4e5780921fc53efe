//! A queue's counts, as the Redis and Postgres queues report them, and when the next
//! job becomes due.

use chrono::{DateTime, Utc};
use imagegen_application::ports::{QueueName, QueueStats};

use super::State;

/// Waiting, active, delayed, dead and completed jobs of `queue` at `now`.
pub(super) fn count(state: &State, queue: QueueName, now: DateTime<Utc>) -> QueueStats {
    let mut stats = QueueStats {
        completed: state.completed.get(&queue).copied().unwrap_or(0),
        failed: state.dead.iter().filter(|d| d.queue == queue).count() as u64,
        ..QueueStats::default()
    };
    for entry in state.jobs.values().filter(|e| e.job.queue == queue) {
        match entry.lease {
            Some((_, until)) if until > now => stats.active += 1,
            _ if entry.run_at > now => stats.delayed += 1,
            _ => stats.waiting += 1,
        }
    }
    stats
}

/// When the next delayed job of `queues` becomes ready or the next lease expires.
pub(super) fn next_due(state: &State, queues: &[QueueName]) -> Option<DateTime<Utc>> {
    state
        .jobs
        .values()
        .filter(|e| queues.contains(&e.job.queue))
        .map(|e| e.lease.map_or(e.run_at, |(_, until)| until))
        .min()
}
