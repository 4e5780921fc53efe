//! A provider's webhook health test (the admin api): a real round trip. It starts a
//! small generation in webhook mode, whatever the policy says, and waits for the
//! provider's webhook to move it; a generation that has not moved past `starting`
//! within the wait means webhooks do not reach us (address, secret, or the provider).

use std::time::Duration;

use imagegen_domain::{
    DeliveryMode, GenerationId, GenerationStatus, OPENAI_SIZES, ProviderName, SettingsInput,
};
use serde::Serialize;

use super::{CreateGeneration, CreateGenerationCommand};
use crate::{Caller, EnabledProviders, Error, Result};

/// What the test saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookTestReport {
    /// Which provider was tested.
    pub provider: ProviderName,
    /// Whether its webhook came back and verified.
    pub ok: bool,
    /// The generation the test made.
    pub generation_id: String,
    /// From the creation to the first move a webhook made, when one did.
    pub round_trip_ms: Option<u64>,
    /// The generation's status when the test ended.
    pub status: GenerationStatus,
    /// What happened, in words.
    pub detail: String,
}

/// The generation a test runs.
#[derive(Debug, Clone, Copy)]
struct TestGeneration {
    provider: ProviderName,
    id: GenerationId,
}

/// What a test saw of its generation.
#[derive(Debug, Clone, Copy)]
struct Seen {
    status: GenerationStatus,
    /// A webhook moved it past `starting`.
    moved: bool,
}

/// Runs webhook round trips through the configured provider.
pub struct TestProvider {
    providers: EnabledProviders,
    wait: Duration,
}

impl TestProvider {
    /// Tests any of `providers` (those this deployment has), waiting up to 30 s.
    pub fn new(providers: EnabledProviders) -> Self {
        Self {
            providers,
            wait: Duration::from_secs(30),
        }
    }

    /// Waits `wait` for the webhook instead.
    #[must_use]
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// Starts a test generation through `create`, in webhook mode.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `NotFound` for a provider not in use; creation's
    /// errors.
    pub async fn start(
        &self,
        caller: &Caller,
        provider: ProviderName,
        create: &CreateGeneration,
    ) -> Result<GenerationId> {
        caller.admin_only("provider tests")?;
        if !self.providers.names().any(|enabled| enabled == provider) {
            return Err(Error::NotFound {
                what: "provider in use",
            });
        }
        let command = CreateGenerationCommand {
            prompt: "imagegen webhook test".into(),
            settings: SettingsInput {
                // The smallest image the provider makes.
                size: Some(
                    if provider == ProviderName::OpenAi {
                        OPENAI_SIZES[0]
                    } else {
                        "64x64"
                    }
                    .into(),
                ),
                provider: Some(provider.as_str().into()),
                ..SettingsInput::default()
            },
            idempotency_key: None,
        };
        let generation = create
            .execute_in(caller, command, Some(DeliveryMode::Webhook))
            .await?;
        Ok(generation.id())
    }

    /// Runs a whole test: starts the generation, then looks every 100 ms until a
    /// webhook moved it or the wait is over.
    ///
    /// # Errors
    /// As [`TestProvider::start`]; the store's `Unavailable`.
    pub async fn run(
        &self,
        caller: &Caller,
        provider: ProviderName,
        create: &CreateGeneration,
    ) -> Result<WebhookTestReport> {
        let started = tokio::time::Instant::now();
        let id = self.start(caller, provider, create).await?;
        loop {
            let seen = Self::seen(id, create).await?;
            if seen.moved || started.elapsed() >= self.wait {
                return Ok(self.report(TestGeneration { provider, id }, seen, started.elapsed()));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The test generation's status, and whether a webhook moved it: submission moves
    /// it to `starting`; only a webhook moves it further this soon.
    async fn seen(id: GenerationId, create: &CreateGeneration) -> Result<Seen> {
        let status = create
            .repository
            .get(id)
            .await?
            .map_or(GenerationStatus::Pending, |g| g.status());
        Ok(Seen {
            status,
            moved: status.rank() > GenerationStatus::Starting.rank(),
        })
    }

    /// What a test that waited `waited` saw.
    fn report(
        &self,
        TestGeneration { provider, id }: TestGeneration,
        Seen { status, moved }: Seen,
        waited: Duration,
    ) -> WebhookTestReport {
        let round_trip_ms = moved.then(|| u64::try_from(waited.as_millis()).unwrap_or(u64::MAX));
        let detail = if moved {
            tracing::info!(generation.id = %id, ?round_trip_ms, "provider webhook test passed");
            "the provider's webhook reached this deployment".to_owned()
        } else {
            tracing::warn!(generation.id = %id, "provider webhook test failed: no webhook");
            format!(
                "no webhook within {} s: check IMAGEGEN_PUBLIC_BASE_URL (reachable by the provider) and the webhook secret",
                self.wait.as_secs()
            )
        };
        WebhookTestReport {
            provider,
            ok: moved,
            generation_id: id.to_string(),
            round_trip_ms,
            status,
            detail,
        }
    }

    /// How long a test waits for the webhook.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_that_saw_no_webhook_says_what_to_check() {
        let tester = TestProvider::new(EnabledProviders::only(ProviderName::Replicate))
            .with_wait(Duration::from_secs(5));
        let id = GenerationId::new();
        let generation = TestGeneration {
            provider: ProviderName::Replicate,
            id,
        };
        let failed = tester.report(
            generation,
            Seen {
                status: GenerationStatus::Starting,
                moved: false,
            },
            Duration::from_secs(5),
        );
        assert!(!failed.ok);
        assert_eq!(failed.round_trip_ms, None);
        assert!(
            failed.detail.contains("IMAGEGEN_PUBLIC_BASE_URL"),
            "{}",
            failed.detail
        );
        let passed = tester.report(
            generation,
            Seen {
                status: GenerationStatus::Processing,
                moved: true,
            },
            Duration::from_millis(420),
        );
        assert!(passed.ok);
        assert_eq!(passed.round_trip_ms, Some(420));
    }
}
