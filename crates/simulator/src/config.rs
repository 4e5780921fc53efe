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
    /// How long a delayed webhook waits.
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

/// A fault specification that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "fault `{0}` is not name=probability (names: {NAMES}; probability from 0 to 1; delay_ms=milliseconds)"
)]
pub struct FaultsError(pub String);

const NAMES: &str = "drop_webhook, duplicate_webhook, delay_webhook, reorder_webhooks, mis_sign_webhook, \
                     create_server_error, create_rate_limited, fail_prediction";

impl std::str::FromStr for Faults {
    type Err = FaultsError;

    /// Parses `name=probability,...`, for example `duplicate_webhook=0.5,delay_ms=300`.
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut faults = Self {
            delay: Duration::from_millis(500),
            ..Self::default()
        };
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let invalid = || FaultsError(item.to_owned());
            let (name, value) = item.split_once('=').ok_or_else(invalid)?;
            if name.trim() == "delay_ms" {
                faults.delay = Duration::from_millis(value.trim().parse().map_err(|_| invalid())?);
                continue;
            }
            let p: f64 = value.trim().parse().map_err(|_| invalid())?;
            if !(0.0..=1.0).contains(&p) {
                return Err(invalid());
            }
            let slot = match name.trim() {
                "drop_webhook" => &mut faults.drop_webhook,
                "duplicate_webhook" => &mut faults.duplicate_webhook,
                "delay_webhook" => &mut faults.delay_webhook,
                "reorder_webhooks" => &mut faults.reorder_webhooks,
                "mis_sign_webhook" => &mut faults.mis_sign_webhook,
                "create_server_error" => &mut faults.create_server_error,
                "create_rate_limited" => &mut faults.create_rate_limited,
                "fail_prediction" => &mut faults.fail_prediction,
                _ => return Err(invalid()),
            };
            *slot = p;
        }
        Ok(faults)
    }
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
    /// The faults it injects (none by default).
    pub faults: Faults,
    /// Where OpenAI's webhooks go: one project-level endpoint (`None`: none are sent).
    pub openai_webhook_url: Option<String>,
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
            openai_webhook_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_list_parses_by_name() {
        let faults: Faults = "duplicate_webhook=0.5, reorder_webhooks=1,delay_ms=20"
            .parse()
            .unwrap();
        assert_eq!(faults.duplicate_webhook, 0.5);
        assert_eq!(faults.reorder_webhooks, 1.0);
        assert_eq!(faults.delay, Duration::from_millis(20));
        assert_eq!(faults.drop_webhook, 0.0);
    }

    #[test]
    fn an_unknown_fault_or_a_bad_probability_is_refused() {
        assert!("explode=1".parse::<Faults>().is_err());
        assert!("drop_webhook=2".parse::<Faults>().is_err());
        assert!("drop_webhook".parse::<Faults>().is_err());
    }
}
