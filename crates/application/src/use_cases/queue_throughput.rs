//! Throughput per queue: jobs completed per second over the last minute, from samples
//! of each queue's completed counter. The counter is shared by every worker, so one
//! api instance's samples measure the whole deployment, and nothing is added to the
//! path a job takes.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use crate::ports::QueueName;

/// How far back throughput looks.
pub const THROUGHPUT_WINDOW: TimeDelta = TimeDelta::seconds(60);

/// When a queue's completed counter was read, and what it said.
type Sample = (DateTime<Utc>, u64);

/// Samples of the completed counters, newest last, at most one window old.
#[derive(Debug, Default)]
pub struct ThroughputWindow {
    samples: Mutex<HashMap<QueueName, VecDeque<Sample>>>,
}

impl ThroughputWindow {
    /// Notes that `queue` had completed `completed` jobs in all at `at`.
    pub fn record(&self, queue: QueueName, at: DateTime<Utc>, completed: u64) {
        let mut samples = self
            .samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let queue_samples = samples.entry(queue).or_default();
        // A counter that went back (a flushed Redis) starts the window over.
        if queue_samples.back().is_some_and(|&(_, n)| n > completed) {
            queue_samples.clear();
        }
        queue_samples.push_back((at, completed));
        // Keep one sample at or before the window's start, so the rate spans it all.
        while queue_samples.len() > 2 && queue_samples[1].0 <= at - THROUGHPUT_WINDOW {
            queue_samples.pop_front();
        }
    }

    /// Jobs completed per second between the oldest and newest samples, rounded to a
    /// tenth; `None` until two samples at least a second apart exist.
    pub fn per_second(&self, queue: QueueName) -> Option<f64> {
        let samples = self
            .samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let queue_samples = samples.get(&queue)?;
        let (&(from, first), &(to, last)) = (queue_samples.front()?, queue_samples.back()?);
        let seconds = (to - from).as_seconds_f64();
        if seconds < 1.0 {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let rate = (last - first) as f64 / seconds;
        Some((rate * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(seconds)
    }

    #[test]
    fn rate_is_unknown_until_two_samples_a_second_apart() {
        let window = ThroughputWindow::default();
        assert_eq!(window.per_second(QueueName::CleanupTasks), None);
        window.record(QueueName::CleanupTasks, at(0), 10);
        assert_eq!(window.per_second(QueueName::CleanupTasks), None);
        window.record(QueueName::CleanupTasks, at(4), 30);
        assert_eq!(window.per_second(QueueName::CleanupTasks), Some(5.0));
    }

    #[test]
    fn rate_covers_only_the_last_minute() {
        let window = ThroughputWindow::default();
        // 1,000 jobs in the first ten seconds, then 1 per second for two minutes.
        window.record(QueueName::ImageProcessing, at(0), 0);
        window.record(QueueName::ImageProcessing, at(10), 1000);
        for s in (20..=130).step_by(10) {
            window.record(QueueName::ImageProcessing, at(s), 1000 + (s as u64 - 10));
        }
        assert_eq!(window.per_second(QueueName::ImageProcessing), Some(1.0));
        // Other queues are their own.
        assert_eq!(window.per_second(QueueName::CleanupTasks), None);
    }

    #[test]
    fn a_counter_that_goes_back_starts_over() {
        let window = ThroughputWindow::default();
        window.record(QueueName::CleanupTasks, at(0), 500);
        window.record(QueueName::CleanupTasks, at(10), 600);
        window.record(QueueName::CleanupTasks, at(20), 3);
        assert_eq!(window.per_second(QueueName::CleanupTasks), None);
        window.record(QueueName::CleanupTasks, at(22), 7);
        assert_eq!(window.per_second(QueueName::CleanupTasks), Some(2.0));
    }
}
