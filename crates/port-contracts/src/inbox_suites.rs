//! Suite macros for the webhook inbox, alone and with the repository that marks it.

/// The `WebhookInbox` suite. `$setup` gives `(Arc<inbox>, Arc<job queue>)`.
#[macro_export]
macro_rules! webhook_inbox_tests {
    ($setup:expr) => {
        mod webhook_inbox {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; webhook_inbox; (inbox, queue) => (&*inbox, &*queue); [
                the_first_delivery_is_recorded_and_queued,
                a_repeat_queues_nothing_more,
            ]);
            $crate::__contract_rules!($setup; webhook_inbox; (inbox, _queue) => (&*inbox); [
                a_repeat_returns_the_stored_entry,
                the_same_id_from_another_provider_is_another_delivery,
                a_state_never_moves_backwards,
                advancing_an_unknown_delivery_is_not_found,
                purging_forgets_old_processed_deliveries_only,
            ]);
        }
    };
}

/// The `save_processed` suite: a repository and the inbox it marks. `$setup` gives
/// `(Arc<repository>, Arc<inbox>)` of one adapter.
#[macro_export]
macro_rules! processed_moves_tests {
    ($setup:expr) => {
        mod processed_moves {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; processed_moves; (store, inbox) => (&*store, &*inbox); [
                a_saved_move_marks_its_delivery_processed,
                a_conflicting_move_leaves_its_delivery_queued,
                a_move_from_a_delivery_never_recorded_is_saved,
            ]);
        }
    };
}
