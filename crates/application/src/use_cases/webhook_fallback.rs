//! The automatic fallback's loop body: judge webhook health, move the breaker, and
//! tell every `system` watcher when new generations go to polling or come back.

use std::sync::Arc;

use imagegen_domain::{Breaker, BreakerRules, BreakerState, Tally};
use serde_json::json;

use crate::Result;
use crate::ports::{Clock, EventBus, WebhookHealth};

/// Moves the breaker by the webhook outcomes; run it every few seconds.
pub struct WebhookFallback {
    health: Arc<dyn WebhookHealth>,
    bus: Arc<dyn EventBus>,
    clock: Arc<dyn Clock>,
    rules: BreakerRules,
}

impl WebhookFallback {
    /// Judges the webhook outcomes in `health` by `clock`, and announces the breaker's
    /// moves on `bus`.
    pub fn new(
        health: Arc<dyn WebhookHealth>,
        bus: Arc<dyn EventBus>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            health,
            bus,
            clock,
            rules: BreakerRules::default(),
        }
    }

    /// Judges with `rules` instead of the defaults.
    #[must_use]
    pub fn with_rules(mut self, rules: BreakerRules) -> Self {
        self.rules = rules;
        self
    }

    /// The breaker now (closed until it first moved), and the tally it judges by.
    ///
    /// # Errors
    /// `Unavailable`.
    pub async fn state(&self) -> Result<(Breaker, Tally)> {
        let now = self.clock.now();
        let breaker = self
            .health
            .breaker()
            .await?
            .unwrap_or_else(|| Breaker::closed(chrono::DateTime::UNIX_EPOCH));
        let tally = self
            .health
            .tally(breaker.tally_from(now, &self.rules))
            .await?;
        Ok((breaker, tally))
    }

    /// Moves the breaker if its rules say so; returns the new state.
    ///
    /// # Errors
    /// `Unavailable` (the announcement failing is only logged).
    pub async fn tick(&self) -> Result<Option<Breaker>> {
        let (breaker, tally) = self.state().await?;
        let now = self.clock.now();
        let open = |state| f64::from(u8::from(state != BreakerState::Closed));
        metrics::gauge!(crate::metric_names::FALLBACK_OPEN).set(open(breaker.state));
        let Some(next) = breaker.next(tally, now, &self.rules) else {
            return Ok(None);
        };
        self.health.set_breaker(&next).await?;
        metrics::gauge!(crate::metric_names::FALLBACK_OPEN).set(open(next.state));
        let (mode, reason) = match next.state {
            BreakerState::Open => ("polling", "webhooks failing"),
            BreakerState::HalfOpen => (
                "probing",
                "cool-down over; trying webhooks for a share of users",
            ),
            BreakerState::Closed => ("webhook", "webhooks healthy again"),
        };
        tracing::warn!(
            mode,
            reason,
            delivered = tally.delivered,
            failed = tally.failed,
            "automatic delivery fallback moved"
        );
        let message = json!({
            "event_type": "DeliveryFallback",
            "payload": { "mode": mode, "reason": reason, "since": next.since,
                         "delivered": tally.delivered, "failed": tally.failed },
        });
        if let Err(error) = self.bus.announce("system", &message).await {
            tracing::warn!(%error, "the fallback change was not announced");
        }
        Ok(Some(next))
    }

    /// The rules it judges by (creation applies the same).
    pub fn rules(&self) -> &BreakerRules {
        &self.rules
    }
}
