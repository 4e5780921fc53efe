//! The providers' clients: the in-process simulator (its own listener, its webhook
//! secret) or Replicate behind the Replicate client, and OpenAI's.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::ImageProvider;
use imagegen_domain::ProviderName;
use imagegen_providers::{
    OpenAiClient, OpenAiConfig, REPLICATE_CREATES_PER_MINUTE, ReplicateClient, ReplicateConfig,
};
use imagegen_simulator::{Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use rand::RngCore;
use secrecy::SecretString;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::{BootstrapError, ProviderChoice};

/// A provider, ready to be called.
pub(crate) struct ProviderSetup {
    pub provider: Arc<dyn ImageProvider>,
    pub name: ProviderName,
    /// Secrets that verify its webhooks.
    pub secrets: Vec<WebhookSecret>,
    /// The in-process simulator and its address, when it is the provider.
    pub simulator: Option<(Simulator, SocketAddr)>,
    /// Whether fetching outputs from private addresses is allowed (the simulator's
    /// files are on 127.0.0.1).
    pub allow_private: bool,
    /// OpenAI's client, which also reads its images (they are not at URLs).
    pub openai: Option<Arc<OpenAiClient>>,
}

pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

fn client_with_limit(
    base_url: String,
    api_token: SecretString,
    creates_per_minute: u32,
) -> Result<Arc<ReplicateClient>, BootstrapError> {
    let config = ReplicateConfig {
        base_url,
        api_token,
        timeout: Duration::from_secs(30),
        creates_per_minute,
    };
    Ok(Arc::new(ReplicateClient::new(config)?))
}

/// The secrets that verify Replicate's webhooks: those configured, else Replicate's
/// own signing secret, fetched once now.
///
/// # Errors
/// `IMAGEGEN_WEBHOOK_SECRETS` named when it is unset and the fetch fails.
pub(crate) async fn replicate_secrets(
    base_url: &url::Url,
    api_token: &SecretString,
    configured: &[WebhookSecret],
) -> Result<Vec<WebhookSecret>, BootstrapError> {
    if !configured.is_empty() {
        return Ok(configured.to_vec());
    }
    // One read: the create limit does not matter to it.
    let client = client_with_limit(
        base_url.to_string(),
        api_token.clone(),
        REPLICATE_CREATES_PER_MINUTE,
    )?;
    let secret = client.webhook_secret().await.map_err(|e| {
        BootstrapError::config(
            "IMAGEGEN_WEBHOOK_SECRETS",
            format!("is unset, and Replicate's signing secret could not be fetched: {e}"),
        )
    })?;
    tracing::info!(
        "IMAGEGEN_WEBHOOK_SECRETS is unset: using Replicate's signing secret, fetched once"
    );
    Ok(vec![secret])
}

/// Starts the chosen provider; the simulator's server joins `background`.
pub(crate) async fn start_provider(
    choice: &ProviderChoice,
    shutdown: &CancellationToken,
    background: &mut JoinSet<()>,
) -> Result<ProviderSetup, BootstrapError> {
    let mut openai = None;
    let (provider, name, secrets, simulator, allow_private) = match choice {
        ProviderChoice::Simulator {
            start_delay,
            run_time,
            faults,
            webhook_secrets,
        } => {
            let mut secrets = webhook_secrets.clone();
            if secrets.is_empty() {
                secrets.push(WebhookSecret::from_key(random_bytes(32)).map_err(|e| {
                    BootstrapError::unusable("IMAGEGEN_WEBHOOK_SECRETS", "cannot make a secret", e)
                })?);
            }
            let secret = secrets[0].clone();
            let listener =
                tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .map_err(|source| BootstrapError::Bind {
                        what: "the simulator",
                        source,
                    })?;
            let addr = listener
                .local_addr()
                .map_err(|source| BootstrapError::Bind {
                    what: "the simulator",
                    source,
                })?;
            let mut sim_config = SimulatorConfig::new(format!("http://{addr}"), secret.clone());
            sim_config.start_delay = *start_delay;
            sim_config.run_time = *run_time;
            sim_config.faults = faults.clone();
            let simulator = Simulator::new(sim_config);
            let serving = simulator.clone();
            let token = shutdown.clone();
            background.spawn(async move {
                if let Err(error) = serving.serve(listener, token).await {
                    tracing::error!(%error, "simulator stopped");
                }
            });
            let client = client_with_limit(
                format!("http://{addr}/v1"),
                SecretString::from("r8_simulator"),
                u32::MAX,
            )?;
            (
                client as Arc<dyn ImageProvider>,
                ProviderName::Simulator,
                secrets,
                Some((simulator, addr)),
                true,
            )
        }
        ProviderChoice::Replicate {
            base_url,
            api_token,
            webhook_secrets,
            creates_per_minute,
        } => {
            // Under Replicate's create limit; the simulator's client has none (it is
            // not Replicate, and its `create_rate_limited` fault says `429` when a test
            // wants one).
            let client =
                client_with_limit(base_url.to_string(), api_token.clone(), *creates_per_minute)?;
            let secrets = replicate_secrets(base_url, api_token, webhook_secrets).await?;
            (
                client as Arc<dyn ImageProvider>,
                ProviderName::Replicate,
                secrets,
                None,
                false,
            )
        }
        ProviderChoice::OpenAi {
            base_url,
            api_key,
            webhook_secrets,
            model,
        } => {
            let client = Arc::new(OpenAiClient::new(OpenAiConfig {
                base_url: base_url.to_string(),
                api_key: api_key.clone(),
                model: model.clone(),
                timeout: Duration::from_secs(30),
            })?);
            openai = Some(client.clone());
            let secrets = webhook_secrets.clone();
            (
                client as Arc<dyn ImageProvider>,
                ProviderName::OpenAi,
                secrets,
                None,
                false,
            )
        }
    };
    Ok(ProviderSetup {
        provider,
        name,
        secrets,
        simulator,
        allow_private,
        openai,
    })
}

#[cfg(test)]
mod tests;
