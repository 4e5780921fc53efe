//! The worker's `/readyz` answers from real checks: ready with Postgres and Redis up,
//! `503 queue unavailable` while Redis is down, ready again once it is back.

use std::time::Duration;

use imagegen_test_support::RedisServer;

use crate::cluster::{JWT_SECRET, WEBHOOK_SECRET, worker_with};

async fn readiness(url: &str) -> (u16, serde_json::Value) {
    match reqwest::get(url).await {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or_default())
        }
        Err(_) => (0, serde_json::Value::Null),
    }
}

async fn until_ready_is(url: &str, want: u16) -> serde_json::Value {
    for _ in 0..600 {
        let (status, body) = readiness(url).await;
        if status == want {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{url} never answered {want}: last {:?}",
        readiness(url).await
    );
}

#[tokio::test]
async fn readyz_says_not_ready_while_redis_is_down_and_ready_when_it_is_back() {
    let database = imagegen_test_support::postgres().await;
    let redis = RedisServer::start_new();
    let data = imagegen_test_support::scratch_dir("imagegen-ready");
    let vars = [
        ("DATABASE_URL", database.url.clone()),
        ("REDIS_URL", redis.url()),
        ("IMAGEGEN_DATA_DIR", data.to_string_lossy().into_owned()),
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET.to_owned()),
        ("IMAGEGEN_JWT_SECRET", JWT_SECRET.to_owned()),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    // No api: the worker's providers would send their webhooks nowhere.
    let worker = worker_with(&vars, "http://127.0.0.1:9").await;
    let port = worker.1;
    let url = format!("http://127.0.0.1:{port}/readyz");
    let ready = until_ready_is(&url, 200).await;
    assert_eq!(ready["status"], "ready");

    redis.stop();
    let down = until_ready_is(&url, 503).await;
    assert_eq!(down["reason"], "queue unavailable", "{down}");
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(
        health.status(),
        200,
        "alive all the same: no restart needed"
    );

    redis.start();
    let back = until_ready_is(&url, 200).await;
    assert_eq!(back["status"], "ready");
}
