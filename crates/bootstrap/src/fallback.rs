//! The automatic fallback's loop, beside the worker loops: every 2 s it judges webhook
//! health and moves the breaker (several processes may run it: the breaker is shared,
//! and a move they both see is announced by each).

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::use_cases::WebhookFallback;
use imagegen_domain::BreakerRules;
use tokio_util::sync::CancellationToken;

use crate::Config;
use crate::state::StateAdapters;

/// How the breaker judges, from the configuration.
pub(crate) fn rules(config: &Config) -> BreakerRules {
    BreakerRules {
        cool_down: chrono::TimeDelta::from_std(config.workers.fallback_cool_down)
            .unwrap_or(chrono::TimeDelta::MAX),
        ..BreakerRules::default()
    }
}

/// The fallback of `state`'s health and bus, judging by `config`'s rules.
pub(crate) fn fallback(
    config: &Config,
    state: &StateAdapters,
    clock: Arc<dyn imagegen_application::ports::Clock>,
) -> WebhookFallback {
    WebhookFallback::new(state.health.clone(), state.bus.clone(), clock).with_rules(rules(config))
}

/// Runs the breaker until `shutdown`.
pub(crate) async fn run(fallback: WebhookFallback, shutdown: CancellationToken) {
    loop {
        if let Err(error) = fallback.tick().await {
            tracing::warn!(%error, "could not judge webhook health");
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}
