//! Contract of `OverdueGenerations`: only quiet generations waiting on their provider
//! are claimed, each once until its backoff passes, oldest first.

use chrono::{DateTime, Duration, Utc};
use imagegen_application::ports::{GenerationRepository, OverdueGenerations};
use imagegen_domain::{ExternalId, Generation, GenerationId, ProviderStatus, ProviderUpdate};

use crate::fixtures::{generation, now};

/// A generation submitted at `at` and, with `status`, moved there then.
async fn waiting(
    store: &(impl GenerationRepository + OverdueGenerations),
    at: DateTime<Utc>,
    status: Option<ProviderStatus>,
) -> GenerationId {
    let mut g: Generation = generation();
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
