//! Read-ahead for fast queues: the completer leases a few jobs beyond what its slots
//! ask for, so a slot that finishes gets its next job at once while the completions
//! travel to the queue. Only while the queue's handlers are fast (a few ms), so that
//! jobs never wait long behind a slow one in a worker while another worker is idle,
//! and a high-priority job is at most a few short jobs late.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use imagegen_application::ports::Job;

/// Read ahead only while a queue's handlers typically take at most this.
pub(super) const FAST_HANDLER: Duration = Duration::from_millis(5);

/// The jobs leased ahead for one queue, oldest first.
pub(super) struct ReadAhead {
    jobs: VecDeque<(Job, Instant)>,
    most: usize,
    /// A moving average of the handlers' run time; `None` before the first.
    typical: Option<Duration>,
}

impl ReadAhead {
    pub(super) fn new(most: usize) -> Self {
        Self {
            jobs: VecDeque::new(),
            most,
            typical: None,
        }
    }

    /// Notes how long a handler took.
    pub(super) fn observe(&mut self, took: Duration) {
        // An exponential moving average weighing the newest run by 1/8.
        self.typical = Some(match self.typical {
            Some(typical) => (typical * 7 + took) / 8,
            None => took,
        });
    }

    /// How many more jobs to lease ahead: none unless the handlers are fast.
    pub(super) fn room(&self) -> usize {
        match self.typical {
            Some(typical) if typical <= FAST_HANDLER => self.most.saturating_sub(self.jobs.len()),
            _ => 0,
        }
    }

    pub(super) fn push(&mut self, job: Job) {
        self.jobs.push_back((job, Instant::now()));
    }

    /// The oldest job leased ahead, and how long it has waited.
    pub(super) fn pop(&mut self) -> Option<(Job, Duration)> {
        self.jobs
            .pop_front()
            .map(|(job, since)| (job, since.elapsed()))
    }

    /// Every job still leased ahead, to hand back.
    pub(super) fn drain(&mut self) -> Vec<Job> {
        self.jobs.drain(..).map(|(job, _)| job).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ahead_only_while_handlers_are_fast() {
        let mut ahead = ReadAhead::new(4);
        assert_eq!(ahead.room(), 0, "nothing measured yet");
        ahead.observe(Duration::from_micros(50));
        assert_eq!(ahead.room(), 4);
        // A run of slow jobs turns read-ahead off.
        for _ in 0..20 {
            ahead.observe(Duration::from_millis(200));
        }
        assert_eq!(ahead.room(), 0);
        // Fast again: back on.
        for _ in 0..40 {
            ahead.observe(Duration::from_micros(50));
        }
        assert_eq!(ahead.room(), 4);
    }
}
