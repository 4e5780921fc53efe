//! Contract of `DeliveryChecks`: the first end each path saw is kept and handed to the
//! other path; a mismatch is recorded once per generation and kind, newest first.

use chrono::Duration;
use imagegen_application::ports::{
    DeliveryChecks, Mismatch, MismatchKind, Observation, UpdateSource,
};
use imagegen_domain::{GenerationId, ProviderStatus};

use crate::fixtures::now;

fn seen(id: GenerationId, source: UpdateSource, status: ProviderStatus) -> Observation {
    Observation {
        generation_id: id,
        source,
        status,
        outputs: vec![format!("https://x/{id}.png")],
        seen_at: now(),
    }
}

/// The rule: Each path sees the other's first end and mismatches count once.
pub async fn each_path_sees_the_others_first_end_and_mismatches_count_once(
    checks: &impl DeliveryChecks,
) {
    let id = GenerationId::new();
    let webhook = seen(id, UpdateSource::Webhook, ProviderStatus::Failed);
    assert_eq!(checks.observe(&webhook).await.unwrap(), None, "no poll yet");
    let mut later = webhook.clone();
    later.status = ProviderStatus::Succeeded;
    later.seen_at += Duration::seconds(5);
    assert_eq!(checks.observe(&later).await.unwrap(), None, "still no poll");
    let poll = seen(id, UpdateSource::Poll, ProviderStatus::Succeeded);
    assert_eq!(
        checks.observe(&poll).await.unwrap(),
        Some(webhook.clone()),
        "the webhook's first end"
    );
    assert_eq!(checks.observe(&webhook).await.unwrap(), Some(poll.clone()));

    assert_eq!(checks.mismatches(10).await.unwrap(), (Vec::new(), 0));
    let mismatch = |kind, at| Mismatch {
        generation_id: id,
        kind,
        webhook: webhook.clone(),
        poll: poll.clone(),
        recorded_at: at,
    };
    let status = mismatch(MismatchKind::Status, now());
    checks.record_mismatch(&status).await.unwrap();
    checks.record_mismatch(&status).await.unwrap();
    let timing = mismatch(MismatchKind::Timing, now() + Duration::seconds(1));
    checks.record_mismatch(&timing).await.unwrap();
    assert_eq!(
        checks.mismatches(10).await.unwrap(),
        (vec![timing.clone(), status], 2)
    );
    assert_eq!(checks.mismatches(1).await.unwrap(), (vec![timing], 2));
}
