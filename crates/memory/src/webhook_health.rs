//! `WebhookHealth` in memory: this process's outcomes (the last hour) and breaker.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use imagegen_application::Result;
use imagegen_application::ports::{WebhookHealth, WebhookOutcome};
use imagegen_domain::{Breaker, Tally};

#[derive(Debug, Default)]
struct Health {
    outcomes: VecDeque<(DateTime<Utc>, WebhookOutcome)>,
    breaker: Option<Breaker>,
}

#[derive(Debug, Default)]
/// `WebhookHealth` in memory: this process's outcomes (the last hour) and breaker.
pub struct MemoryWebhookHealth {
    health: Mutex<Health>,
}

#[async_trait]
impl WebhookHealth for MemoryWebhookHealth {
    async fn record(&self, outcome: WebhookOutcome, at: DateTime<Utc>) -> Result<()> {
        let mut health = crate::lock(&self.health);
        health.outcomes.push_back((at, outcome));
        while health
            .outcomes
            .front()
            .is_some_and(|(seen, _)| *seen < at - TimeDelta::hours(1))
        {
            health.outcomes.pop_front();
        }
        Ok(())
    }

    async fn tally(&self, since: DateTime<Utc>) -> Result<Tally> {
        let health = crate::lock(&self.health);
        let mut tally = Tally::default();
        for (_, outcome) in health.outcomes.iter().filter(|(at, _)| *at >= since) {
            match outcome {
                WebhookOutcome::Delivered => tally.delivered += 1,
                WebhookOutcome::Failed => tally.failed += 1,
                WebhookOutcome::Refused => tally.refused += 1,
            }
        }
        Ok(tally)
    }

    async fn breaker(&self) -> Result<Option<Breaker>> {
        Ok(crate::lock(&self.health).breaker)
    }

    async fn set_breaker(&self, breaker: &Breaker) -> Result<()> {
        crate::lock(&self.health).breaker = Some(*breaker);
        Ok(())
    }
}
