//! Percentiles of measured durations.

use std::time::Duration;

/// Durations in milliseconds, sorted.
pub struct Latencies(Vec<f64>);

impl Latencies {
    pub fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        Self(samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect())
    }

    /// The `q` quantile (0.5 = median), in ms, rounded to 0.01 ms.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let index = ((self.0.len() - 1) as f64 * q).round() as usize;
        (self.0[index.min(self.0.len() - 1)] * 100.0).round() / 100.0
    }
}

/// A rate rounded to a whole number.
pub fn per_sec(count: usize, elapsed: Duration) -> f64 {
    (count as f64 / elapsed.as_secs_f64().max(1e-9)).round()
}
