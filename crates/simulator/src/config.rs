//! Simulator settings: timings and fault probabilities (all off by default).

use std::time::Duration;

use imagegen_webhooks::WebhookSecret;

/// Probabilities from 0.0 (never) to 1.0 (always).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// A webhook is never sent.
    pub drop_webhook: f64,
    /// A webhook is sent twice, with the same `webhook-id`.
    pub duplicate_webhook: f64,
    /// A webhook waits [`Faults::delay`] before it is sent.
    pub delay_webhook: f64,
    pub delay: Duration,
    /// The `start` webhook is sent after the `completed` one.
    pub reorder_webhooks: f64,
    /// A webhook is signed with the wrong secret.
    pub mis_sign_webhook: f64,
    /// A create answers 500.
    pub create_server_error: f64,
    /// A create answers 429 with `Retry-After`.
    pub create_rate_limited: f64,
    /// A prediction ends `failed`.
    pub fail_prediction: f64,
}

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Base URL where the simulator is reachable (`http://127.0.0.1:9000`); used in
    /// `urls` and output file URLs.
    pub public_url: String,
    /// Signs the webhooks; served at `GET /v1/webhooks/default/secret`.
    pub webhook_secret: WebhookSecret,
    /// From create to `processing`.
    pub start_delay: Duration,
    /// From `processing` to the end.
    pub run_time: Duration,
    pub faults: Faults,
}

impl SimulatorConfig {
    /// Quick predictions, no faults.
    pub fn new(public_url: impl Into<String>, webhook_secret: WebhookSecret) -> Self {
        Self {
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            webhook_secret,
            start_delay: Duration::from_millis(200),
            run_time: Duration::from_millis(600),
            faults: Faults::default(),
        }
    }
}
