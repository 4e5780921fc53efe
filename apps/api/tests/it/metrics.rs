//! `/metrics` of the binary as operators scrape it: the Prometheus text format, the
//! numbers of one generation's way through the system, labels from closed sets only,
//! and the endpoint moved to an address of its own behind a token.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::{
    PROCESS_JWT_SECRET, Running, free_port, get_json, post_json, until_healthy, user_token,
};

fn api(port: u16, extra: &[(&str, String)]) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_imagegen-api"));
    // Killed at the end, it cannot remove a data directory of its own: one that the
    // test process removes at exit.
    let data = imagegen_test_support::scratch_dir("imagegen-metrics");
    command
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("IMAGEGEN_DATA_DIR", &data)
        .env("IMAGEGEN_JWT_SECRET", PROCESS_JWT_SECRET)
        .env("IMAGEGEN_SIM_START_DELAY_MS", "50")
        .env("IMAGEGEN_SIM_RUN_MS", "100")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (name, value) in extra {
        command.env(name, value);
    }
    Running(command.spawn().unwrap())
}

async fn scrape(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    response.text().await.unwrap()
}

/// The value of the series `series` (name and labels as the text format writes them).
fn value_of(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[tokio::test]
async fn one_generation_moves_the_webhook_job_provider_and_push_numbers() {
    let port = free_port();
    let _api = api(port, &[]);
    until_healthy(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let (_, token) = user_token(PROCESS_JWT_SECRET);
    let body = json!({ "prompt": "a lighthouse at dusk" });
    let created = post_json(&http, &format!("{base}/v1/generations"), &token, &body).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = get_json(&http, &format!("{base}/v1/generations/{id}"), &token).await;
        if got["status"] == "completed" {
            break;
        }
        assert!(Instant::now() < deadline, "not completed: {got}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A webhook for a provider nobody configured: its name never becomes a label.
    let junk = http
        .post(format!("{base}/webhooks/nope-provider-7/x"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(junk.status(), 404);

    let text = scrape(&format!("{base}/metrics")).await;
    let expect = |series: &str, at_least: f64| {
        let value = value_of(&text, series).unwrap_or_else(|| panic!("no {series} in:\n{text}"));
        assert!(value >= at_least, "{series} = {value}");
    };
    expect(
        r#"imagegen_http_requests_total{route="/v1/generations",status_class="2xx"}"#,
        1.0,
    );
    expect(
        r#"imagegen_webhooks_received_total{provider="simulator",outcome="accepted"}"#,
        2.0,
    );
    expect(
        r#"imagegen_webhooks_received_total{provider="unknown",outcome="not_found"}"#,
        1.0,
    );
    expect(
        r#"imagegen_provider_calls_total{provider="simulator",reason="create"}"#,
        1.0,
    );
    expect(
        r#"imagegen_generations_ended_total{provider="simulator",status="completed"}"#,
        1.0,
    );
    expect(
        r#"imagegen_generation_seconds_count{provider="simulator"}"#,
        1.0,
    );
    expect(
        r#"imagegen_jobs_completed_total{queue="provider-submissions"}"#,
        1.0,
    );
    expect(
        r#"imagegen_job_run_seconds_count{queue="generation-webhooks"}"#,
        2.0,
    );
    expect("imagegen_event_commit_to_push_seconds_count", 3.0);
    expect("imagegen_webhook_to_push_seconds_count", 2.0);
    expect("imagegen_stream_capacity", 1.0);
    expect("process_resident_memory_bytes", 1.0);
    assert!(
        !text.contains("nope-provider-7"),
        "an outside name became a label"
    );
    assert!(!text.contains(&id), "a generation id became a label");
    // The queue-depth gauges come with the api's sampling, every 5 s.
    let deadline = Instant::now() + Duration::from_secs(15);
    let waiting = r#"imagegen_queue_jobs{queue="provider-submissions",state="waiting"}"#;
    while value_of(&scrape(&format!("{base}/metrics")).await, waiting).is_none() {
        assert!(Instant::now() < deadline, "no queue-depth gauge");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn metrics_on_an_address_of_their_own_ask_for_the_token() {
    let (port, metrics_port) = (free_port(), free_port());
    let token = "metrics-token-of-sixteen-chars";
    let _api = api(
        port,
        &[
            (
                "IMAGEGEN_METRICS_LISTEN",
                format!("127.0.0.1:{metrics_port}"),
            ),
            ("IMAGEGEN_METRICS_TOKEN", token.to_owned()),
        ],
    );
    until_healthy(port).await;
    let on_api = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    assert_eq!(on_api.status(), 404, "moved away from the api's address");
    let url = format!("http://127.0.0.1:{metrics_port}/metrics");
    let refused = reqwest::get(&url).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["www-authenticate"], "Bearer");
    let wrong = reqwest::Client::new()
        .get(&url)
        .bearer_auth("metrics-token-of-sixteen-chart");
    assert_eq!(wrong.send().await.unwrap().status(), 401);
    let scraped = reqwest::Client::new().get(&url).bearer_auth(token);
    let text = scraped.send().await.unwrap().text().await.unwrap();
    assert!(text.contains("process_resident_memory_bytes"), "{text}");
}
