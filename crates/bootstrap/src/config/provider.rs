//! Which provider makes the images, read from its variables.

use std::time::Duration;

use imagegen_simulator::Faults;
use imagegen_webhooks::WebhookSecret;
use secrecy::SecretString;
use url::Url;

use super::{Vars, parse, parse_url};
use crate::BootstrapError;

/// Which provider makes the images.
#[derive(Debug, Clone)]
pub enum ProviderChoice {
    /// The built-in simulator, in-process (the default).
    Simulator {
        start_delay: Duration,
        run_time: Duration,
        faults: Faults,
        /// The first signs the simulator's webhooks, all verify; generated when empty.
        webhook_secrets: Vec<WebhookSecret>,
    },
    /// Replicate's API.
    Replicate {
        base_url: Url,
        api_token: SecretString,
        webhook_secrets: Vec<WebhookSecret>,
    },
}

fn millis(vars: &Vars, variable: &'static str, default: &str) -> Result<Duration, BootstrapError> {
    parse(
        vars.get(variable).unwrap_or(default),
        variable,
        "milliseconds",
    )
    .map(Duration::from_millis)
}

pub(super) fn simulator(vars: &Vars) -> Result<ProviderChoice, BootstrapError> {
    let faults = vars
        .get("IMAGEGEN_SIM_FAULTS")
        .unwrap_or_default()
        .parse::<Faults>()
        .map_err(|e| BootstrapError::config("IMAGEGEN_SIM_FAULTS", e.to_string()))?;
    Ok(ProviderChoice::Simulator {
        start_delay: millis(vars, "IMAGEGEN_SIM_START_DELAY_MS", "300")?,
        run_time: millis(vars, "IMAGEGEN_SIM_RUN_MS", "1200")?,
        faults,
        webhook_secrets: vars
            .get("IMAGEGEN_WEBHOOK_SECRETS")
            .map(webhook_secrets)
            .transpose()?
            .unwrap_or_default(),
    })
}

/// Space- or comma-separated `whsec_` secrets, at least one.
fn webhook_secrets(list: &str) -> Result<Vec<WebhookSecret>, BootstrapError> {
    let secrets = list
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| {
            WebhookSecret::parse(s)
                .map_err(|e| BootstrapError::config("IMAGEGEN_WEBHOOK_SECRETS", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if secrets.is_empty() {
        return Err(BootstrapError::config(
            "IMAGEGEN_WEBHOOK_SECRETS",
            "names no secret",
        ));
    }
    Ok(secrets)
}

pub(super) fn replicate(vars: &Vars) -> Result<ProviderChoice, BootstrapError> {
    let api_token = vars.get("IMAGEGEN_REPLICATE_API_TOKEN").ok_or_else(|| {
        BootstrapError::config(
            "IMAGEGEN_REPLICATE_API_TOKEN",
            "is required with IMAGEGEN_PROVIDER=replicate",
        )
    })?;
    // Unset: Replicate's own signing secret is fetched once at start.
    let webhook_secrets = vars
        .get("IMAGEGEN_WEBHOOK_SECRETS")
        .map(webhook_secrets)
        .transpose()?
        .unwrap_or_default();
    Ok(ProviderChoice::Replicate {
        base_url: parse_url(
            vars.get("IMAGEGEN_REPLICATE_BASE_URL")
                .unwrap_or("https://api.replicate.com/v1"),
            "IMAGEGEN_REPLICATE_BASE_URL",
        )?,
        api_token: SecretString::from(api_token.to_owned()),
        webhook_secrets,
    })
}
