//! The README's durable mode as a new user runs it: `DATABASE_URL` and
//! `IMAGEGEN_JWT_SECRET` set, the in-process simulator, a token from
//! `imagegen-api token`, generations in flight, `kill -9`, start again. The restarted
//! simulator has forgotten every prediction: each is resubmitted once its webhook is
//! overdue, and every generation reaches an end. (The overdue delay is 2 s here
//! instead of the default 120 s, and the simulator runs 3 s so the kill lands.)

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{Running, free_port, until_healthy};

const JWT_SECRET: &str = "readme-secret-readme-secret-readme-secret";
const GENERATIONS: usize = 6;

fn start_api(port: u16, database_url: &str, data_dir: &std::path::Path) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database_url)
        .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
        .env("IMAGEGEN_DATA_DIR", data_dir)
        .env("IMAGEGEN_RECONCILE_AFTER_SECS", "2")
        .env("IMAGEGEN_SIM_RUN_MS", "3000")
        .env("IMAGEGEN_JOB_LEASE_SECS", "2")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Running(child)
}

/// `imagegen-api token --user <id>`, as the README's walk-through mints it.
fn minted_token(user: uuid::Uuid) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .args(["token", "--user", &user.to_string(), "--ttl", "10m"])
        .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

async fn status(http: &reqwest::Client, base: &str, token: &str, id: &str) -> String {
    let answer = http
        .get(format!("{base}/v1/generations/{id}"))
        .bearer_auth(token)
        .send()
        .await;
    let body: serde_json::Value = match answer {
        Ok(response) => response.json().await.unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    };
    body["status"].as_str().unwrap_or("?").to_owned()
}

#[tokio::test]
async fn after_kill_9_of_the_readme_durable_api_every_generation_reaches_an_end() {
    let db = imagegen_test_support::postgres().await;
    let data = imagegen_test_support::scratch_dir("imagegen-readme");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let token = minted_token(uuid::Uuid::new_v4());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();

    let mut api = start_api(port, &db.url, &data);
    until_healthy(port).await;
    let mut ids = Vec::new();
    for n in 0..GENERATIONS {
        let response = http
            .post(format!("{base}/v1/generations"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "prompt": format!("kill test {n}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let created: serde_json::Value = response.json().await.unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    // Kill once the predictions run at the in-process simulator.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while status(&http, &base, &token, &ids[GENERATIONS - 1]).await != "processing" {
        assert!(tokio::time::Instant::now() < deadline, "never processing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    api.0.kill().unwrap();
    api.0.wait().unwrap();

    let _api = start_api(port, &db.url, &data);
    until_healthy(port).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let mut now = Vec::new();
        for id in &ids {
            now.push(status(&http, &base, &token, id).await);
        }
        if now.iter().all(|s| s == "completed") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every generation reached its end after the restart: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = std::fs::remove_dir_all(&data);
}
