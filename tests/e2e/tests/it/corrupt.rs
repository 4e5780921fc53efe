//! A stored row that does not decode is a corrupt row, not an outage: the job that
//! meets it is dead-lettered on its first attempt instead of retried for ever.

use imagegen_application::ports::QueueName;
use serde_json::json;

use crate::support::{WEBHOOK_SECRET, until, user};

#[tokio::test]
async fn a_job_that_reads_a_corrupt_generation_row_is_dead_lettered_not_retried() {
    let api = crate::modes::start_durable_with(&[
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET),
        // Long runs: the simulator sends nothing more while the test works.
        ("IMAGEGEN_SIM_RUN_MS", "120000"),
    ])
    .await;
    let url = &api.database.as_ref().unwrap().url;
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api
        .create_ok(&alice, json!({ "prompt": "soon corrupt" }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&mut events, "GenerationStarted").await;
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    let (prediction,): (String,) =
        sqlx::query_as("SELECT external_id FROM image_generations WHERE id = $1")
            .bind(uuid)
            .fetch_one(&pool)
            .await
            .unwrap();
    // A status this version does not know: what a bad hand edit or a newer writer
    // leaves behind.
    sqlx::query("UPDATE image_generations SET status = 'exploded' WHERE id = $1")
        .bind(uuid)
        .execute(&pool)
        .await
        .unwrap();

    let body = crate::webhooks::prediction(&prediction, "failed");
    let response = crate::webhooks::post_signed(&api, &id, "msg_corrupt", &body).await;
    assert_eq!(response.status(), 200, "recorded; the job meets the row");
    let dead = crate::queues::dead_letters(&api, QueueName::GenerationWebhooks).await;
    assert_eq!(dead[0].attempts, 1, "never retried: {:?}", dead[0]);
    assert!(
        dead[0].last_error.contains("cannot be read"),
        "{}",
        dead[0].last_error
    );
    api.stop().await;
}
