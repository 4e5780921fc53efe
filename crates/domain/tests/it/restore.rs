//! Restoring a stored generation checks its invariants instead of trusting the row.

use imagegen_domain::{Generation, GenerationStatus as S, ProviderStatus as P};

use crate::{now, pending_generation, submitted_generation, update};

#[test]
fn a_snapshot_restores_to_the_same_generation() {
    let mut generation = submitted_generation();
    generation
        .apply_provider_update(&update(P::Succeeded), now())
        .unwrap();
    generation.take_events();
    let restored = Generation::restore(generation.snapshot()).unwrap();
    assert_eq!(restored, generation);
}

#[test]
fn a_blank_stored_prompt_is_refused() {
    let mut snapshot = pending_generation().snapshot();
    snapshot.prompt = "   ".into();
    let err = Generation::restore(snapshot).unwrap_err();
    assert!(err.reason.contains("empty"), "{err}");
}

#[test]
fn a_completed_generation_without_images_is_refused() {
    let mut snapshot = submitted_generation().snapshot();
    snapshot.status = S::Completed;
    snapshot.completed_at = Some(now());
    assert!(Generation::restore(snapshot).is_err());
}

#[test]
fn a_submitted_status_without_a_prediction_id_is_refused() {
    let mut snapshot = submitted_generation().snapshot();
    snapshot.external_id = None;
    let err = Generation::restore(snapshot).unwrap_err();
    assert!(err.reason.contains("prediction"), "{err}");
}

#[test]
fn a_terminal_status_without_an_end_time_is_refused() {
    let mut generation = submitted_generation();
    generation.cancel(now()).unwrap();
    let mut snapshot = generation.snapshot();
    snapshot.completed_at = None;
    assert!(Generation::restore(snapshot).is_err());
}

#[test]
fn a_restored_generation_keeps_moving_by_the_rules() {
    let generation = submitted_generation();
    let mut restored = Generation::restore(generation.snapshot()).unwrap();
    let event = restored
        .apply_provider_update(&update(P::Processing), now())
        .unwrap();
    assert!(event.is_some());
    assert_eq!(restored.version(), generation.version() + 1);
    assert_eq!(restored.take_events().len(), 1);
}
