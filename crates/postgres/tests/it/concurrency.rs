//! Real concurrent transactions: a stale writer loses cleanly and the move is applied
//! again on reload; one webhook received by many requests at once is recorded once.

use chrono::Utc;
use imagegen_application::ports::QueueAdmin as _;
use imagegen_application::ports::StoreError;
use imagegen_application::ports::{
    EventStore, GenerationRepository, NewJob, QueueName, StreamPosition, WebhookDelivery,
    WebhookInbox,
};
use imagegen_application::unit_of_work::change_generation;
use imagegen_domain::{ExternalId, ProviderName, ProviderStatus, ProviderUpdate};
use imagegen_port_contracts::fixtures::{advance, generation};

use crate::test_store;

#[tokio::test]
async fn a_writer_whose_version_went_stale_while_it_waited_gets_a_conflict() {
    let store = test_store().await;
    let mut g = generation();
    store.generations().create(&g, &[]).await.unwrap();
    let mut rival = g.clone();
    let open = crate::commit_order::save_left_open(&store, &mut rival).await;
    // This writer read version 0 too; its UPDATE waits on the open transaction's row.
    advance(&mut g);
    let events = g.take_events();
    let late = store.store.clone();
    let stale = tokio::spawn(async move { late.generations().save(&g, &events, &[]).await });
    open.commit().await.unwrap();
    let err = stale.await.unwrap().unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let saved = store.generations().get(rival.id()).await.unwrap().unwrap();
    assert_eq!(saved.version(), 2);
}

#[tokio::test]
async fn concurrent_changes_each_apply_once_on_the_latest_state() {
    let store = test_store().await;
    let g = generation();
    store.generations().create(&g, &[]).await.unwrap();
    let id = g.id();
    let external = ExternalId::parse("pred-1").unwrap();
    let submit = external.clone();
    change_generation(&store.generations(), id, move |g| {
        g.record_submission(submit.clone(), Utc::now())
    })
    .await
    .unwrap();
    // Eight workers apply the same and later updates at once: each move is saved once.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (store, external) = (store.store.clone(), external.clone());
        let status = if n % 2 == 0 {
            ProviderStatus::Processing
        } else {
            ProviderStatus::Succeeded
        };
        tasks.push(tokio::spawn(async move {
            let update = ProviderUpdate {
                external_id: external,
                status,
                output_urls: vec!["https://cdn.example/out.png".into()],
                error: None,
            };
            change_generation(&store.generations(), id, |g| {
                g.apply_provider_update(&update, Utc::now())
            })
            .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let saved = store.generations().get(id).await.unwrap().unwrap();
    let events = store
        .generations()
        .read_after(StreamPosition::START, &[], 100)
        .await
        .unwrap();
    let sequences: Vec<_> = events.iter().map(|e| e.envelope.sequence).collect();
    assert_eq!(sequences, (1..=saved.version()).collect::<Vec<_>>());
    assert_eq!(saved.status().as_str(), "storing");
}

#[tokio::test]
async fn one_webhook_received_by_many_requests_at_once_is_recorded_and_queued_once() {
    let store = test_store().await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let inbox = store.store.clone();
        tasks.push(tokio::spawn(async move {
            let delivery = WebhookDelivery {
                provider: ProviderName::Replicate,
                webhook_id: "msg_same".into(),
                generation_id: None,
                received_at: Utc::now(),
                body: serde_json::json!({ "id": "p" }),
            };
            let job = NewJob::new(QueueName::GenerationWebhooks, serde_json::json!({}))
                .with_key("webhook:replicate:msg_same");
            inbox
                .inbox()
                .record(delivery, job)
                .await
                .unwrap()
                .first_seen
        }));
    }
    let mut first = 0;
    for task in tasks {
        first += usize::from(task.await.unwrap());
    }
    assert_eq!(first, 1);
    let stats = store
        .job_queue()
        .counts(QueueName::GenerationWebhooks)
        .await
        .unwrap();
    assert_eq!(stats.waiting, 1);
}

#[tokio::test]
async fn instances_starting_together_migrate_once_without_errors() {
    let db = imagegen_test_support::postgres().await;
    let mut starting = Vec::new();
    for _ in 0..4 {
        let url = db.url.clone();
        starting.push(tokio::spawn(async move {
            let store =
                imagegen_postgres::PgStore::connect(&url, imagegen_postgres::PgOptions::default())
                    .await
                    .unwrap();
            store.migrate().await
        }));
    }
    for instance in starting {
        instance.await.unwrap().unwrap();
    }
    let store =
        imagegen_postgres::PgStore::connect(&db.url, imagegen_postgres::PgOptions::default())
            .await
            .unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(applied, imagegen_postgres::MIGRATOR.iter().count() as i64);
}
