//! The worker's `/readyz` answers from real checks: ready with Postgres and Redis up,
//! `503 queue unavailable` while Redis is down, ready again once it is back.

use std::process::{Command, Stdio};
use std::time::Duration;

use imagegen_test_support::RedisServer;

use crate::cluster::{JWT_SECRET, Running, WEBHOOK_SECRET};

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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_imagegen-worker"))
        .env("DATABASE_URL", &database.url)
        .env("REDIS_URL", redis.url())
        .env("IMAGEGEN_DATA_DIR", &data)
        .env("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)
        .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
        .env("IMAGEGEN_PUBLIC_BASE_URL", "http://127.0.0.1:9")
        .env("IMAGEGEN_WORKER_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _worker = Running(child);
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
