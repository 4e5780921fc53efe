//! Create a generation: validate, save it as pending together with its submission job
//! (one atomic step), answer at once.

use std::sync::Arc;

use imagegen_domain::{
    BreakerRules, CallbackUrl, DeliveryMode, Generation, GenerationId, GenerationSettings,
    NewGeneration, Prompt, ProviderName, SettingsError, SettingsInput,
};

use super::CreationLimits;
use super::idempotent_create::KeyOutcome;
use crate::job_payloads::{JobPayload, SubmitGeneration};
use crate::ports::{
    Clock, DeliveryPolicies, GenerationRepository, IdempotencyKeys, StoreError, WebhookHealth,
};
use crate::{Caller, EnabledProviders, Error, Result};

/// What the user asked for, not yet validated.
#[derive(Debug, Clone, Default)]
pub struct CreateGenerationCommand {
    /// What to make.
    pub prompt: String,
    /// How, as the user sent it.
    pub settings: SettingsInput,
    /// The `Idempotency-Key` header, when sent.
    pub idempotency_key: Option<String>,
}

/// Everything creating a generation needs. None of it is optional, so nothing is
/// half wired (a missing key store would silently ignore `Idempotency-Key`); memory
/// adapters exist for every port.
pub struct CreationPorts {
    /// Where generations are saved, with their first job.
    pub repository: Arc<dyn GenerationRepository>,
    /// Now, for timestamps and key windows.
    pub clock: Arc<dyn Clock>,
    /// `Idempotency-Key` claims.
    pub idempotency: Arc<dyn IdempotencyKeys>,
    /// Who gets webhooks, polling or both.
    pub delivery: Arc<dyn DeliveryPolicies>,
    /// The automatic fallback's breaker, over the policy.
    pub health: Arc<dyn WebhookHealth>,
    /// The creation rate and in-flight limits.
    pub limits: CreationLimits,
}

/// Creates generations. It never waits on the provider.
pub struct CreateGeneration {
    pub(super) repository: Arc<dyn GenerationRepository>,
    pub(super) clock: Arc<dyn Clock>,
    providers: EnabledProviders,
    limits: CreationLimits,
    pub(super) idempotency: Arc<dyn IdempotencyKeys>,
    delivery: Arc<dyn DeliveryPolicies>,
    health: Arc<dyn WebhookHealth>,
    /// Whether callback URLs may name inside addresses (testing a local receiver).
    private_callbacks: bool,
}

impl CreateGeneration {
    /// Creates generations with `ports`, for any of `providers` (`settings.provider`).
    pub fn new(ports: CreationPorts, providers: EnabledProviders) -> Self {
        Self {
            repository: ports.repository,
            clock: ports.clock,
            providers,
            limits: ports.limits,
            idempotency: ports.idempotency,
            delivery: ports.delivery,
            health: ports.health,
            private_callbacks: false,
        }
    }

    /// The providers a generation may name in `settings.provider`.
    pub fn provider_names(&self) -> Vec<&'static str> {
        self.providers.names().map(ProviderName::as_str).collect()
    }

    /// Lets callback URLs name loopback and private addresses (a receiver on the
    /// developer's machine; never in production).
    #[must_use]
    pub fn with_private_callbacks(mut self, allowed: bool) -> Self {
        self.private_callbacks = allowed;
        self
    }

    /// The mode the policy and the breaker give the caller's new generation.
    async fn delivery_mode(&self, caller: &Caller) -> Result<DeliveryMode> {
        let (policy, breaker) = tokio::join!(self.delivery.current(), self.health.breaker());
        let policy = policy?;
        let rollout = f64::from(policy.percentage);
        metrics::gauge!(crate::metric_names::ROLLOUT_PERCENTAGE).set(rollout);
        Ok(match breaker? {
            Some(breaker) => breaker.mode_for(&policy, caller.user_id, &BreakerRules::default()),
            None => policy.mode_for(caller.user_id),
        })
    }

    /// Validates the command and saves a pending generation with its submission job.
    ///
    /// # Errors
    /// `Prompt` or `Settings` for bad input; `RateLimited` over the caller's limits;
    /// `Unavailable` when the store cannot be reached. Either way nothing is saved: the
    /// generation and its job are one write.
    #[tracing::instrument(name = "create_generation", skip_all, fields(user.id = %caller.user_id, generation.id))]
    pub async fn execute(
        &self,
        caller: &Caller,
        command: CreateGenerationCommand,
    ) -> Result<Generation> {
        self.execute_in(caller, command, None).await
    }

    /// As [`CreateGeneration::execute`], in `mode` whatever the policy says (a
    /// provider's webhook test needs a webhook).
    ///
    /// # Errors
    /// As [`CreateGeneration::execute`].
    pub async fn execute_in(
        &self,
        caller: &Caller,
        command: CreateGenerationCommand,
        mode: Option<DeliveryMode>,
    ) -> Result<Generation> {
        let prompt = Prompt::parse(&command.prompt)?;
        let provider = self
            .providers
            .choose(command.settings.provider.as_deref())?;
        let settings = GenerationSettings::parse_for(provider, command.settings.clone())?;
        if let Some(host) = (settings.callback_url())
            .filter(|_| !self.private_callbacks)
            .and_then(CallbackUrl::internal_target)
        {
            return Err(SettingsError::CallbackInternal(host).into());
        }
        let mut id = GenerationId::new();
        if let Some(key) = &command.idempotency_key {
            match self.claim_key(caller, &command, key, id).await? {
                KeyOutcome::Fresh => {}
                KeyOutcome::Replay(generation) => {
                    tracing::info!(generation.id = %generation.id(), "idempotent repeat: the first answer");
                    return Ok(*generation);
                }
                KeyOutcome::Unsaved(first) => id = first,
            }
        }
        // The limits and the delivery mode are read at once: one round trip's wait
        // before the insert, not four.
        let limits = self.limits.check(caller, self.repository.as_ref());
        let delivery_mode = async {
            match mode {
                Some(mode) => Ok(mode),
                None => self.delivery_mode(caller).await,
            }
        };
        let ((), delivery_mode) = tokio::try_join!(limits, delivery_mode)?;
        tracing::Span::current().record("generation.id", tracing::field::display(id));
        let generation = Generation::create(
            NewGeneration {
                id,
                user_id: caller.user_id,
                organization_id: caller.organization_id,
                prompt,
                settings,
                provider,
                delivery_mode,
            },
            self.clock.now(),
        );
        let job = SubmitGeneration { generation_id: id }.to_job()?;
        match self.repository.create(&generation, &[job]).await {
            // The same key's first request saved it meanwhile: its answer is ours.
            Err(StoreError::Conflict { .. }) if command.idempotency_key.is_some() => {
                return self
                    .repository
                    .get(id)
                    .await?
                    .ok_or(Error::NotFound { what: "generation" });
            }
            saved => saved?,
        }
        tracing::info!(%provider, ?delivery_mode, "generation created");
        Ok(generation)
    }
}
