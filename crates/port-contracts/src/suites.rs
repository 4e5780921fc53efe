//! Macros that write one `#[tokio::test]` per contract rule for an adapter, so that a
//! new rule runs against every adapter without anyone listing it by hand.
//!
//! Each macro takes an expression that builds a fresh adapter (it may `.await`); the
//! adapters are `Arc`s so that one value can be the repository and the event store.

/// One test per rule: `let $pat = $setup; suite::rule $args .await`.
#[doc(hidden)]
#[macro_export]
macro_rules! __contract_rules {
    ($setup:expr; $suite:ident; $pat:pat => $args:tt; [$($rule:ident),+ $(,)?]) => {
        $(
            #[tokio::test]
            async fn $rule() {
                let $pat = $setup;
                $crate::$suite::$rule $args.await;
            }
        )+
    };
}

/// The `GenerationRepository` + `EventStore` suite. `$setup` gives
/// `(Arc<store>, Arc<job queue the store's jobs reach>)`.
#[macro_export]
macro_rules! generation_store_tests {
    ($setup:expr) => {
        mod generation_store {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; generation_store; (store, _queue) => (&*store); [
                a_created_generation_reads_back_unchanged,
                creating_the_same_id_twice_is_a_conflict,
                a_save_stores_the_state_and_appends_its_events,
                a_stale_save_is_a_conflict_and_writes_nothing,
                positions_increase_in_commit_order,
                reading_after_a_position_skips_what_came_before,
                channels_filter_events_by_user,
                a_waiter_wakes_when_an_event_is_appended,
                a_users_list_is_newest_first_and_pages_by_cursor,
                the_relay_checkpoint_only_moves_forward,
                the_latest_position_is_that_of_the_newest_event,
            ]);
            $crate::__contract_rules!($setup; event_retention; (store, _queue) => (&*store); [
                events_before_the_cutoff_are_pruned_and_the_watermark_says_how_far,
            ]);
            $crate::__contract_rules!($setup; overdue; (store, _queue) => (&*store); [
                quiet_waiting_generations_are_claimed_once_per_backoff,
                polled_generations_are_claimed_from_their_submission_every_two_seconds,
                the_pause_between_polls_never_passes_five_minutes,
                a_generation_is_found_by_its_providers_prediction_id,
            ]);
            $crate::__contract_rules!($setup; generation_jobs; (store, queue) => (&*store, &*queue); [
                a_create_queues_its_jobs_with_it,
                a_save_queues_its_jobs_and_a_conflicting_one_queues_nothing,
                a_create_of_an_existing_id_queues_nothing,
            ]);
        }
    };
}

/// The `JobQueue` suite. `$setup` gives `Arc<queue>`.
#[macro_export]
macro_rules! job_queue_tests {
    ($setup:expr) => {
        mod job_queue {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; job_queue; queue => (&*queue); [
                an_enqueued_job_is_delivered_with_its_payload,
                a_job_of_another_queue_is_not_delivered,
                a_leased_job_is_not_delivered_twice,
                an_expired_lease_is_delivered_again,
                a_failed_job_runs_again_after_its_retry_time,
                a_job_out_of_attempts_is_dead_lettered,
                a_second_enqueue_with_the_same_key_is_a_duplicate,
                higher_priority_runs_first_then_fifo,
                a_delayed_job_waits_for_its_time,
                a_waiting_reserve_wakes_on_enqueue,
                stats_count_waiting_active_and_completed,
                an_extended_lease_keeps_a_running_job_from_a_second_worker,
                extending_a_lost_lease_is_not_found,
            ]);
            $crate::__contract_rules!($setup; job_queue_next; queue => (&*queue); [
                completing_a_batch_takes_the_next_ready_jobs_in_order,
                a_job_whose_lease_was_lost_is_not_completed,
                a_reserved_job_says_when_it_became_due,
            ]);
        }
    };
}

/// The `EventBus` suite. `$setup` gives `Arc<bus>`.
#[macro_export]
macro_rules! event_bus_tests {
    ($setup:expr) => {
        mod event_bus {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; event_bus; bus => (&*bus); [
                every_subscriber_receives_published_events_in_order,
                every_subscriber_receives_announcements_between_events,
                publishing_without_subscribers_succeeds,
            ]);
        }
    };
}

/// The `RateLimiter` suite. `$setup` gives `(Arc<limiter>, Arc<ManualClock>)`, the
/// limiter running on that clock.
#[macro_export]
macro_rules! rate_limiter_tests {
    ($setup:expr) => {
        mod rate_limiter {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; rate_limiter; (limiter, clock) => (&*limiter, &*clock); [
                a_key_gets_its_limit_then_waits_as_long_as_it_is_told,
                keys_have_budgets_of_their_own,
                refusals_do_not_push_the_wait_further,
            ]);
        }
    };
}

/// The `QueueAdmin` suite. `$setup` gives `Arc<queue>` (a `JobQueue` and `QueueAdmin`).
#[macro_export]
macro_rules! queue_admin_tests {
    ($setup:expr) => {
        mod queue_admin {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; queue_admin; queue => (&*queue); [
                a_paused_queue_hands_out_nothing_until_resumed,
                a_waiting_worker_wakes_when_its_queue_resumes,
                a_retried_dead_letter_runs_again_with_fresh_attempts,
                retrying_an_unknown_dead_letter_is_not_found,
                a_set_concurrency_is_read_back_until_cleared,
            ]);
        }
    };
}

/// The `Presence` suite. `$setup` gives `Arc<presence>`.
#[macro_export]
macro_rules! presence_tests {
    ($setup:expr) => {
        mod presence {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; presence; presence => (&*presence); [
                members_join_renew_and_leave,
                a_member_whose_lease_ran_out_is_gone,
                expired_members_are_taken_once_and_live_ones_stay,
            ]);
        }
    };
}

/// The `IdempotencyKeys` suite. `$setup` gives `Arc<keys>`.
#[macro_export]
macro_rules! idempotency_tests {
    ($setup:expr) => {
        mod idempotency {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; idempotency; keys => (&*keys); [
                the_first_claim_of_a_key_wins_within_the_window,
            ]);
        }
    };
}

/// The `ProviderCalls` suite. `$setup` gives `Arc<calls>`, counting from zero.
#[macro_export]
macro_rules! provider_calls_tests {
    ($setup:expr) => {
        mod provider_calls {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; provider_calls; calls => (&*calls); [
                calls_count_per_provider_and_reason,
            ]);
        }
    };
}

/// The `DeliveryPolicies` suite. `$setup` gives `Arc<policies>`, with none set.
#[macro_export]
macro_rules! delivery_policies_tests {
    ($setup:expr) => {
        mod delivery_policies {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; delivery_policies; policies => (&*policies); [
                the_last_policy_set_is_in_force,
            ]);
        }
    };
}

/// The `DeliveryChecks` suite. `$setup` gives `Arc<checks>`, empty.
#[macro_export]
macro_rules! delivery_checks_tests {
    ($setup:expr) => {
        mod delivery_checks {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; delivery_checks; checks => (&*checks); [
                each_path_sees_the_others_first_end_and_mismatches_count_once,
            ]);
        }
    };
}

/// The `WebhookHealth` suite. `$setup` gives `Arc<health>`, empty.
#[macro_export]
macro_rules! webhook_health_tests {
    ($setup:expr) => {
        mod webhook_health {
            #[allow(unused_imports)]
            use super::*;
            $crate::__contract_rules!($setup; webhook_health; health => (&*health); [
                outcomes_tally_from_a_time_and_the_breaker_keeps_its_state,
            ]);
        }
    };
}
