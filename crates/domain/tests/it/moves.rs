//! One rule per test for the moves of a generation.

use imagegen_domain::{
    ExternalId, FailureReason, GenerationError, GenerationEvent, GenerationStatus as S, ImageId,
    ProviderStatus as P, StoredImage,
};

use crate::{external_id, now, pending_generation, submitted_generation, update};

fn image() -> StoredImage {
    StoredImage {
        id: ImageId::random(),
        content_type: "image/png".into(),
        width: 512,
        height: 512,
        bytes: 1234,
    }
}

#[test]
fn a_new_generation_is_pending_at_version_zero_with_no_events() {
    let mut generation = pending_generation();
    assert_eq!(generation.status(), S::Pending);
    assert_eq!(generation.version(), 0);
    assert!(generation.take_events().is_empty());
}

#[test]
fn the_happy_path_records_one_event_per_move_in_order() {
    let mut generation = pending_generation();
    generation.record_submission(external_id(), now()).unwrap();
    generation
        .apply_provider_update(&update(P::Processing), now())
        .unwrap();
    generation
        .apply_provider_update(&update(P::Succeeded), now())
        .unwrap();
    generation.complete(vec![image()], now()).unwrap();

    let events = generation.take_events();
    let types: Vec<_> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "GenerationStarted",
            "GenerationStatusChanged",
            "GenerationStatusChanged",
            "GenerationCompleted"
        ]
    );
    let sequences: Vec<_> = events.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, [1, 2, 3, 4]);
    let statuses: Vec<_> = events.iter().map(|e| e.payload["status"].clone()).collect();
    assert_eq!(statuses, ["starting", "processing", "storing", "completed"]);
    assert_eq!(generation.status(), S::Completed);
    assert_eq!(generation.outputs().len(), 1);
    assert_eq!(generation.version(), 4);
}

#[test]
fn a_repeated_update_changes_nothing() {
    let mut generation = submitted_generation();
    generation
        .apply_provider_update(&update(P::Processing), now())
        .unwrap();
    let before = generation.clone();
    let moved = generation
        .apply_provider_update(&update(P::Processing), now())
        .unwrap();
    assert_eq!(moved, None);
    assert_eq!(generation, before);
}

#[test]
fn a_late_start_after_processing_changes_nothing() {
    let mut generation = submitted_generation();
    generation
        .apply_provider_update(&update(P::Processing), now())
        .unwrap();
    assert_eq!(
        generation
            .apply_provider_update(&update(P::Starting), now())
            .unwrap(),
        None
    );
    assert_eq!(generation.status(), S::Processing);
}

#[test]
fn a_success_as_the_first_webhook_skips_to_storing_with_one_event() {
    let mut generation = submitted_generation();
    let event = generation
        .apply_provider_update(&update(P::Succeeded), now())
        .unwrap();
    assert!(matches!(
        event,
        Some(GenerationEvent::GenerationStatusChanged {
            status: S::Storing,
            previous_status: S::Starting,
            ..
        })
    ));
    assert_eq!(generation.provider_outputs().len(), 1);
    assert_eq!(generation.take_events().len(), 1);
}

#[test]
fn a_success_without_outputs_fails_the_generation() {
    let mut generation = submitted_generation();
    let mut succeeded = update(P::Succeeded);
    succeeded.output_urls.clear();
    generation.apply_provider_update(&succeeded, now()).unwrap();
    assert_eq!(generation.status(), S::Failed);
    assert_eq!(
        generation.error().unwrap().code,
        "provider_returned_no_output"
    );
}

#[test]
fn a_provider_failure_shows_a_stable_code_not_the_providers_words() {
    let mut generation = submitted_generation();
    let mut failed = update(P::Failed);
    failed.error = Some("CUDA OOM on node gpu-17 (/srv/cog/predict.py:42)".into());
    generation.apply_provider_update(&failed, now()).unwrap();
    assert_eq!(generation.status(), S::Failed);
    let error = generation.error().unwrap();
    assert_eq!(error.code, "provider_failed");
    assert!(!error.message.contains("gpu-17"), "{}", error.message);
}

#[test]
fn a_terminal_generation_ignores_every_update() {
    let mut generation = submitted_generation();
    generation
        .apply_provider_update(&update(P::Canceled), now())
        .unwrap();
    let before = generation.clone();
    for status in [P::Starting, P::Processing, P::Succeeded, P::Failed] {
        assert_eq!(
            generation
                .apply_provider_update(&update(status), now())
                .unwrap(),
            None
        );
    }
    assert_eq!(generation, before);
}

#[test]
fn an_update_for_another_prediction_is_refused() {
    let mut generation = pending_generation();
    generation.record_submission(external_id(), now()).unwrap();
    let mut other = update(P::Processing);
    other.external_id = ExternalId::parse("someone-else").unwrap();
    let err = generation.apply_provider_update(&other, now()).unwrap_err();
    assert!(matches!(err, GenerationError::ExternalIdMismatch { .. }));
    assert_eq!(generation.status(), S::Starting);
}

#[test]
fn completing_before_storing_is_refused() {
    let mut generation = pending_generation();
    let err = generation.complete(vec![image()], now()).unwrap_err();
    assert_eq!(err, GenerationError::NotStoring(S::Pending));
}

#[test]
fn completing_twice_records_one_event() {
    let mut generation = submitted_generation();
    generation
        .apply_provider_update(&update(P::Succeeded), now())
        .unwrap();
    generation.complete(vec![image()], now()).unwrap();
    assert_eq!(generation.complete(vec![image()], now()).unwrap(), None);
    assert_eq!(generation.take_events().len(), 2);
}

#[test]
fn cancelling_an_ended_generation_is_refused() {
    let mut generation = submitted_generation();
    generation.cancel(now()).unwrap();
    assert_eq!(
        generation.cancel(now()).unwrap_err(),
        GenerationError::Terminal(S::Cancelled)
    );
}

#[test]
fn failing_an_ended_generation_changes_nothing() {
    let mut generation = submitted_generation();
    generation.cancel(now()).unwrap();
    let reason = FailureReason {
        code: imagegen_domain::FailureCode::StorageFailed,
        message: "x".into(),
        retryable: true,
    };
    assert_eq!(generation.fail(reason, now()).unwrap(), None);
    assert_eq!(generation.status(), S::Cancelled);
}

#[test]
fn an_update_before_the_submission_is_recorded_is_refused_for_now() {
    let mut generation = pending_generation();
    let err = generation
        .apply_provider_update(&update(P::Succeeded), now())
        .unwrap_err();
    assert_eq!(err, GenerationError::NotSubmitted);
    assert_eq!(generation.status(), S::Pending);
    assert_eq!(generation.external_id(), None);
    assert!(generation.take_events().is_empty());
}

#[test]
fn a_webhook_never_names_the_prediction_only_our_create_call_does() {
    let mut generation = pending_generation();
    let mut forged = update(P::Processing);
    forged.external_id = ExternalId::parse("someone-elses-prediction").unwrap();
    assert!(generation.apply_provider_update(&forged, now()).is_err());
    generation.record_submission(external_id(), now()).unwrap();
    let err = generation
        .apply_provider_update(&forged, now())
        .unwrap_err();
    assert!(matches!(err, GenerationError::ExternalIdMismatch { .. }));
    assert_eq!(generation.external_id(), Some(&external_id()));
}
