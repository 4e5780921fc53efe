//! Contract of `OverdueGenerations`: only quiet generations waiting on their provider
//! are claimed, each once until its backoff passes, oldest first.

use chrono::{DateTime, Duration, Utc};
use imagegen_application::ports::{GenerationRepository, OverdueGenerations};
use imagegen_domain::{
    DeliveryMode, ExternalId, Generation, GenerationId, NewGeneration, ProviderName,
    ProviderStatus, ProviderUpdate,
};

use crate::fixtures::{generation, now};

/// A generation submitted at `at` and, with `status`, moved there then.
async fn waiting(
    store: &(impl GenerationRepository + OverdueGenerations),
    at: DateTime<Utc>,
    status: Option<ProviderStatus>,
) -> GenerationId {
    waiting_in(store, at, status, DeliveryMode::Webhook).await
}

/// As [`waiting`], with its delivery mode.
async fn waiting_in(
    store: &(impl GenerationRepository + OverdueGenerations),
    at: DateTime<Utc>,
    status: Option<ProviderStatus>,
    mode: DeliveryMode,
) -> GenerationId {
    let template = generation();
    let mut g = Generation::create(
        NewGeneration {
            id: template.id(),
            user_id: template.user_id(),
            organization_id: template.organization_id(),
            prompt: template.prompt().clone(),
            settings: template.settings().clone(),
            provider: template.provider(),
            delivery_mode: mode,
        },
        template.created_at(),
    );
    store.create(&g, &[]).await.unwrap();
    let external_id = ExternalId::parse(format!("pred-{}", g.id())).unwrap();
    g.record_submission(external_id.clone(), at).unwrap();
    if let Some(status) = status {
        let output_urls = match status {
            ProviderStatus::Succeeded => vec!["https://x/y.png".into()],
            _ => vec![],
        };
        let update = ProviderUpdate {
            external_id,
            status,
            output_urls,
            error: None,
        };
        g.apply_provider_update(&update, at).unwrap();
    }
    let events = g.take_events();
    store.save(&g, &events, &[]).await.unwrap();
    g.id()
}

/// The rule: Quiet waiting generations are claimed once per backoff.
pub async fn quiet_waiting_generations_are_claimed_once_per_backoff(
    store: &(impl GenerationRepository + OverdueGenerations),
) {
    let now = now();
    let older = waiting(store, now - Duration::minutes(20), None).await;
    let old = waiting(
        store,
        now - Duration::minutes(10),
        Some(ProviderStatus::Processing),
    )
    .await;
    let _recent = waiting(store, now, None).await;
    let _failed = waiting(
        store,
        now - Duration::minutes(10),
        Some(ProviderStatus::Failed),
    )
    .await;
    let quiet_since = now - Duration::minutes(1);

    let first = store.claim_overdue(quiet_since, now, 10).await.unwrap();
    let claimed: Vec<_> = first.iter().map(|o| (o.id, o.attempt)).collect();
    assert_eq!(
        claimed,
        [(older, 1), (old, 1)],
        "quiet and waiting only, oldest first"
    );
    assert!(
        store
            .claim_overdue(quiet_since, now, 10)
            .await
            .unwrap()
            .is_empty(),
        "claimed once"
    );

    let later = now + Duration::seconds(16);
    let second = store.claim_overdue(quiet_since, later, 1).await.unwrap();
    assert_eq!(
        second.iter().map(|o| (o.id, o.attempt)).collect::<Vec<_>>(),
        [(older, 2)]
    );
    assert_eq!(second[0].external_id.to_string(), format!("pred-{older}"));
}

/// The rule: Polled generations are claimed from their submission every two seconds.
pub async fn polled_generations_are_claimed_from_their_submission_every_two_seconds(
    store: &(impl GenerationRepository + OverdueGenerations),
) {
    let now = now();
    let polled = waiting_in(store, now, None, DeliveryMode::Polling).await;
    let dual = waiting_in(store, now, None, DeliveryMode::Dual).await;
    let _webhook = waiting(store, now, None).await;
    let quiet_since = now - Duration::minutes(1);

    let mut first: Vec<_> = store
        .claim_overdue(quiet_since, now, 10)
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    first.sort();
    let mut expected = vec![polled, dual];
    expected.sort();
    assert_eq!(first, expected, "polled at once; the webhook one waits");
    let soon = now + Duration::seconds(1);
    assert!(
        store
            .claim_overdue(quiet_since, soon, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let next = now + Duration::seconds(2);
    let second = store.claim_overdue(quiet_since, next, 10).await.unwrap();
    assert_eq!(second.len(), 2, "every 2 s, not after a backoff");
    assert!(second.iter().all(|o| o.attempt == 2));
}

/// The backoff doubles from 15 s and stops at `MAX_POLL_BACKOFF_SECS` (5 minutes):
/// a generation is due again at most that long after any poll, however many came
/// before, so a poll always lands inside the hour a provider keeps a prediction.
pub async fn the_pause_between_polls_never_passes_five_minutes(
    store: &(impl GenerationRepository + OverdueGenerations),
) {
    use imagegen_application::ports::MAX_POLL_BACKOFF_SECS;
    let start = now();
    let id = waiting(store, start - Duration::minutes(10), None).await;
    let quiet_since = start - Duration::minutes(5);
    let most = Duration::seconds(i64::try_from(MAX_POLL_BACKOFF_SECS).unwrap());
    let mut at = start;
    for poll in 1..=12u32 {
        let claimed = store.claim_overdue(quiet_since, at, 10).await.unwrap();
        assert_eq!(
            claimed
                .iter()
                .map(|o| (o.id, o.attempt))
                .collect::<Vec<_>>(),
            [(id, poll)],
            "poll {poll} due at most 5 minutes after the one before"
        );
        at += most;
    }
}

/// The rule: A generation is found by its provider's prediction id.
pub async fn a_generation_is_found_by_its_providers_prediction_id(
    store: &(impl GenerationRepository + OverdueGenerations),
) {
    let id = waiting(store, now(), None).await;
    let provider = generation().provider();
    let external_id = ExternalId::parse(format!("pred-{id}")).unwrap();
    assert_eq!(
        store
            .find_by_external_id(provider, &external_id)
            .await
            .unwrap(),
        Some(id)
    );
    let other = if provider == ProviderName::OpenAi {
        ProviderName::Replicate
    } else {
        ProviderName::OpenAi
    };
    assert_eq!(
        store
            .find_by_external_id(other, &external_id)
            .await
            .unwrap(),
        None,
        "another provider's id space"
    );
    let unknown = ExternalId::parse("pred-unknown").unwrap();
    assert_eq!(
        store.find_by_external_id(provider, &unknown).await.unwrap(),
        None
    );
}
