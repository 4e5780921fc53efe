//! Which provider makes the images, read from its variables.

use std::time::Duration;

use imagegen_providers::REPLICATE_CREATES_PER_MINUTE;
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
        /// From a create to the prediction's start (`IMAGEGEN_SIM_START_DELAY_MS`).
        start_delay: Duration,
        /// From its start to its end (`IMAGEGEN_SIM_RUN_MS`).
        run_time: Duration,
        /// Faults injected on purpose (`IMAGEGEN_SIM_FAULTS`); none by default.
        faults: Faults,
        /// The first signs the simulator's webhooks, all verify; generated when empty.
        webhook_secrets: Vec<WebhookSecret>,
    },
    /// Replicate's API.
    Replicate {
        /// `IMAGEGEN_REPLICATE_BASE_URL` (the simulator's `/v1` in tests).
        base_url: Url,
        /// `IMAGEGEN_REPLICATE_API_TOKEN`; never logged.
        api_token: SecretString,
        /// Verify Replicate's webhooks; fetched from Replicate when empty.
        webhook_secrets: Vec<WebhookSecret>,
        /// The client-side limit on creates, per process: Replicate's own (600 a
        /// minute) unless the account's is known to differ.
        creates_per_minute: u32,
    },
    /// OpenAI's Responses API with the image tool.
    OpenAi {
        /// `IMAGEGEN_OPENAI_BASE_URL`.
        base_url: Url,
        /// `IMAGEGEN_OPENAI_API_KEY`; never logged.
        api_key: SecretString,
        /// Verify the project's webhook endpoint (`/webhooks/openai`).
        webhook_secrets: Vec<WebhookSecret>,
        /// The Responses model that calls the image tool.
        model: String,
    },
}

impl ProviderChoice {
    /// The name generations are stamped with.
    pub fn name(&self) -> imagegen_domain::ProviderName {
        use imagegen_domain::ProviderName;
        match self {
            Self::Simulator { .. } => ProviderName::Simulator,
            Self::Replicate { .. } => ProviderName::Replicate,
            Self::OpenAi { .. } => ProviderName::OpenAi,
        }
    }
}

/// The default provider (`IMAGEGEN_PROVIDER`) and the others configured beside it: a
/// provider is enabled when its credentials are set.
pub(super) fn providers(
    vars: &Vars,
) -> Result<(ProviderChoice, Vec<ProviderChoice>), BootstrapError> {
    let default = match vars.get("IMAGEGEN_PROVIDER").unwrap_or("simulator") {
        "simulator" => simulator(vars)?,
        "replicate" => replicate(vars)?,
        "openai" => openai(vars)?,
        other => {
            return Err(BootstrapError::config(
                "IMAGEGEN_PROVIDER",
                format!("`{other}` is not simulator, replicate or openai"),
            ));
        }
    };
    let mut others = Vec::new();
    if vars.get("IMAGEGEN_REPLICATE_API_TOKEN").is_some()
        && !matches!(default, ProviderChoice::Replicate { .. })
    {
        others.push(replicate(vars)?);
    }
    if vars.get("IMAGEGEN_OPENAI_API_KEY").is_some()
        && !matches!(default, ProviderChoice::OpenAi { .. })
    {
        others.push(openai(vars)?);
    }
    Ok((default, others))
}

pub(super) fn openai(vars: &Vars) -> Result<ProviderChoice, BootstrapError> {
    let api_key = vars.get("IMAGEGEN_OPENAI_API_KEY").ok_or_else(|| {
        BootstrapError::config(
            "IMAGEGEN_OPENAI_API_KEY",
            "is required with IMAGEGEN_PROVIDER=openai",
        )
    })?;
    // OpenAI has no per-request webhook: its project endpoint's secret must be known.
    let webhook_secrets = vars
        .get("IMAGEGEN_OPENAI_WEBHOOK_SECRETS")
        .map(|list| webhook_secrets(list, "IMAGEGEN_OPENAI_WEBHOOK_SECRETS"))
        .transpose()?
        .ok_or_else(|| {
            BootstrapError::config(
                "IMAGEGEN_OPENAI_WEBHOOK_SECRETS",
                "is required with IMAGEGEN_OPENAI_API_KEY: the secret of the project's webhook endpoint (POST {public base}/webhooks/openai)",
            )
        })?;
    Ok(ProviderChoice::OpenAi {
        base_url: parse_url(
            vars.get("IMAGEGEN_OPENAI_BASE_URL")
                .unwrap_or("https://api.openai.com/v1"),
            "IMAGEGEN_OPENAI_BASE_URL",
        )?,
        api_key: SecretString::from(api_key.to_owned()),
        webhook_secrets,
        model: vars
            .get("IMAGEGEN_OPENAI_MODEL")
            .unwrap_or(imagegen_providers::DEFAULT_OPENAI_MODEL)
            .to_owned(),
    })
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
            .map(|list| webhook_secrets(list, "IMAGEGEN_WEBHOOK_SECRETS"))
            .transpose()?
            .unwrap_or_default(),
    })
}

/// Space- or comma-separated `whsec_` secrets in `variable`, at least one.
fn webhook_secrets(
    list: &str,
    variable: &'static str,
) -> Result<Vec<WebhookSecret>, BootstrapError> {
    let secrets = list
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| {
            WebhookSecret::parse(s).map_err(|e| BootstrapError::config(variable, e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if secrets.is_empty() {
        return Err(BootstrapError::config(variable, "names no secret"));
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
        .map(|list| webhook_secrets(list, "IMAGEGEN_WEBHOOK_SECRETS"))
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
        creates_per_minute: creates_per_minute(vars)?,
    })
}

/// `IMAGEGEN_REPLICATE_CREATES_PER_MINUTE`: at least one.
fn creates_per_minute(vars: &Vars) -> Result<u32, BootstrapError> {
    const VARIABLE: &str = "IMAGEGEN_REPLICATE_CREATES_PER_MINUTE";
    match vars.get(VARIABLE) {
        None => Ok(REPLICATE_CREATES_PER_MINUTE),
        Some(text) => match parse::<u32>(text, VARIABLE, "a number of creates")? {
            0 => Err(BootstrapError::config(VARIABLE, "must be at least 1")),
            limit => Ok(limit),
        },
    }
}

impl super::Config {
    /// Every configured provider, the default first.
    pub fn providers(&self) -> impl Iterator<Item = &ProviderChoice> {
        std::iter::once(&self.provider).chain(&self.other_providers)
    }

    /// The names generations may ask for with `settings.provider`, and the default.
    pub fn enabled_providers(&self) -> imagegen_application::EnabledProviders {
        let default = imagegen_application::EnabledProviders::only(self.provider.name());
        self.providers()
            .fold(default, |enabled, choice| enabled.and(choice.name()))
    }
}
