//! Property tests: whatever the provider sends, in whatever order, the state machine
//! never leaves a terminal state, never moves backwards, and records exactly one event
//! per move.

use imagegen_domain::{GenerationStatus, ProviderStatus};
use proptest::prelude::*;

use crate::{now, submitted_generation, update};

fn provider_status() -> impl Strategy<Value = ProviderStatus> {
    prop_oneof![
        Just(ProviderStatus::Starting),
        Just(ProviderStatus::Processing),
        Just(ProviderStatus::Succeeded),
        Just(ProviderStatus::Failed),
        Just(ProviderStatus::Canceled),
        Just(ProviderStatus::Aborted),
    ]
}

proptest! {
    #[test]
    fn any_sequence_of_updates_only_moves_forward(
        statuses in prop::collection::vec(provider_status(), 0..24)
    ) {
        let mut generation = submitted_generation();
        let first_sequence = generation.version() + 1;
        let mut moves = 0_u64;
        for status in statuses {
            let before = generation.status();
            let version_before = generation.version();
            let moved = generation.apply_provider_update(&update(status), now()).unwrap();
            let after = generation.status();
            if before.is_terminal() {
                prop_assert_eq!(after, before, "a terminal state changed");
            }
            prop_assert!(after.rank() >= before.rank(), "moved backwards: {} -> {}", before, after);
            match moved {
                Some(event) => {
                    moves += 1;
                    prop_assert_ne!(after, before);
                    prop_assert_eq!(event.status(), after);
                    prop_assert_eq!(generation.version(), version_before + 1);
                }
                None => {
                    prop_assert_eq!(after, before);
                    prop_assert_eq!(generation.version(), version_before);
                }
            }
        }
        let events = generation.take_events();
        prop_assert_eq!(events.len() as u64, moves);
        for (index, envelope) in events.iter().enumerate() {
            prop_assert_eq!(envelope.sequence, first_sequence + index as u64);
        }
    }

    #[test]
    fn duplicating_every_update_records_the_same_events(
        statuses in prop::collection::vec(provider_status(), 0..12)
    ) {
        let mut once = submitted_generation();
        let mut twice = once.clone();
        for status in &statuses {
            once.apply_provider_update(&update(*status), now()).unwrap();
            twice.apply_provider_update(&update(*status), now()).unwrap();
            twice.apply_provider_update(&update(*status), now()).unwrap();
        }
        let types = |events: Vec<imagegen_domain::EventEnvelope>| {
            events.into_iter().map(|e| e.event_type).collect::<Vec<_>>()
        };
        prop_assert_eq!(once.status(), twice.status());
        prop_assert_eq!(types(once.take_events()), types(twice.take_events()));
    }

    #[test]
    fn the_final_status_never_depends_on_updates_after_an_ending(
        first in provider_status(),
        rest in prop::collection::vec(provider_status(), 0..12)
    ) {
        let mut generation = submitted_generation();
        generation.apply_provider_update(&update(first), now()).unwrap();
        let status = generation.status();
        if status.is_terminal() {
            for next in rest {
                generation.apply_provider_update(&update(next), now()).unwrap();
            }
            prop_assert_eq!(generation.status(), status);
        } else {
            prop_assert!(status != GenerationStatus::Pending);
        }
    }
}
