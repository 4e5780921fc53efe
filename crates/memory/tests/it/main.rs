//! The port contract suites, run against the in-memory adapters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use imagegen_memory::*;
use imagegen_port_contracts as contract;

mod generation_store {
    use super::*;

    #[tokio::test]
    async fn the_latest_position_is_that_of_the_newest_event() {
        contract::generation_store::the_latest_position_is_that_of_the_newest_event(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn a_created_generation_reads_back_unchanged() {
        contract::generation_store::a_created_generation_reads_back_unchanged(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn creating_the_same_id_twice_is_a_conflict() {
        contract::generation_store::creating_the_same_id_twice_is_a_conflict(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn a_save_stores_the_state_and_appends_its_events() {
        contract::generation_store::a_save_stores_the_state_and_appends_its_events(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn a_stale_save_is_a_conflict_and_writes_nothing() {
        contract::generation_store::a_stale_save_is_a_conflict_and_writes_nothing(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn positions_increase_in_commit_order() {
        contract::generation_store::positions_increase_in_commit_order(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn reading_after_a_position_skips_what_came_before() {
        contract::generation_store::reading_after_a_position_skips_what_came_before(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn channels_filter_events_by_user() {
        contract::generation_store::channels_filter_events_by_user(&MemoryGenerationStore::new())
            .await;
    }

    #[tokio::test]
    async fn a_waiter_wakes_when_an_event_is_appended() {
        contract::generation_store::a_waiter_wakes_when_an_event_is_appended(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn a_users_list_is_newest_first_and_pages_by_cursor() {
        contract::generation_store::a_users_list_is_newest_first_and_pages_by_cursor(
            &MemoryGenerationStore::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn the_relay_checkpoint_only_moves_forward() {
        contract::generation_store::the_relay_checkpoint_only_moves_forward(
            &MemoryGenerationStore::new(),
        )
        .await;
    }
}

mod job_queue {
    use super::*;

    #[tokio::test]
    async fn an_enqueued_job_is_delivered_with_its_payload() {
        contract::job_queue::an_enqueued_job_is_delivered_with_its_payload(&MemoryJobQueue::new())
            .await;
    }

    #[tokio::test]
    async fn a_job_of_another_queue_is_not_delivered() {
        contract::job_queue::a_job_of_another_queue_is_not_delivered(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn a_leased_job_is_not_delivered_twice() {
        contract::job_queue::a_leased_job_is_not_delivered_twice(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn an_expired_lease_is_delivered_again() {
        contract::job_queue::an_expired_lease_is_delivered_again(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn a_failed_job_runs_again_after_its_retry_time() {
        contract::job_queue::a_failed_job_runs_again_after_its_retry_time(&MemoryJobQueue::new())
            .await;
    }

    #[tokio::test]
    async fn a_job_out_of_attempts_is_dead_lettered() {
        contract::job_queue::a_job_out_of_attempts_is_dead_lettered(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn a_second_enqueue_with_the_same_key_is_a_duplicate() {
        contract::job_queue::a_second_enqueue_with_the_same_key_is_a_duplicate(
            &MemoryJobQueue::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn higher_priority_runs_first_then_fifo() {
        contract::job_queue::higher_priority_runs_first_then_fifo(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn a_delayed_job_waits_for_its_time() {
        contract::job_queue::a_delayed_job_waits_for_its_time(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn a_waiting_reserve_wakes_on_enqueue() {
        contract::job_queue::a_waiting_reserve_wakes_on_enqueue(&MemoryJobQueue::new()).await;
    }

    #[tokio::test]
    async fn stats_count_waiting_active_and_completed() {
        contract::job_queue::stats_count_waiting_active_and_completed(&MemoryJobQueue::new()).await;
    }
}

mod webhook_inbox {
    use super::*;

    #[tokio::test]
    async fn the_first_delivery_is_recorded_as_received() {
        contract::webhook_inbox::the_first_delivery_is_recorded_as_received(
            &MemoryWebhookInbox::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn a_repeat_returns_the_stored_entry() {
        contract::webhook_inbox::a_repeat_returns_the_stored_entry(&MemoryWebhookInbox::new())
            .await;
    }

    #[tokio::test]
    async fn the_same_id_from_another_provider_is_another_delivery() {
        contract::webhook_inbox::the_same_id_from_another_provider_is_another_delivery(
            &MemoryWebhookInbox::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn a_state_never_moves_backwards() {
        contract::webhook_inbox::a_state_never_moves_backwards(&MemoryWebhookInbox::new()).await;
    }

    #[tokio::test]
    async fn advancing_an_unknown_delivery_is_not_found() {
        contract::webhook_inbox::advancing_an_unknown_delivery_is_not_found(
            &MemoryWebhookInbox::new(),
        )
        .await;
    }
}

mod event_bus {
    use super::*;

    #[tokio::test]
    async fn every_subscriber_receives_published_events_in_order() {
        contract::event_bus::every_subscriber_receives_published_events_in_order(
            &MemoryEventBus::new(),
        )
        .await;
    }

    #[tokio::test]
    async fn publishing_without_subscribers_succeeds() {
        contract::event_bus::publishing_without_subscribers_succeeds(&MemoryEventBus::new()).await;
    }
}

mod image_store {
    use super::*;

    #[tokio::test]
    async fn a_stored_image_reads_back() {
        contract::image_store::a_stored_image_reads_back(&MemoryImageStore::new()).await;
    }

    #[tokio::test]
    async fn an_unknown_image_is_none() {
        contract::image_store::an_unknown_image_is_none(&MemoryImageStore::new()).await;
    }

    #[tokio::test]
    async fn putting_again_replaces() {
        contract::image_store::putting_again_replaces(&MemoryImageStore::new()).await;
    }
}
