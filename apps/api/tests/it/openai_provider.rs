//! The api process with two providers enabled, Replicate (the default) and OpenAI,
//! both pointed at the simulator: a generation asks for OpenAI with
//! `settings.provider`, OpenAI's signed event arrives at `/webhooks/openai`, the
//! response is read once for its state and once for its base64 image, and the image is
//! stored; the default provider's generation beside it never touches OpenAI.

use std::process::{Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use imagegen_simulator::{Simulator, SimulatorConfig};
use imagegen_webhooks::{WebhookSecret, sign};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::{
    PROCESS_JWT_SECRET as JWT_SECRET, Running, UserEvents, WEBHOOK_SECRET, free_port, until_healthy,
};

/// Reads events until each of `ids` has completed; none may fail.
async fn all_completed(events: &mut UserEvents, ids: &[&str]) {
    let mut done = std::collections::HashSet::<&str>::new();
    while done.len() < ids.len() {
        let event = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .unwrap_or_else(|_| panic!("only {done:?} of {ids:?} completed"))
            .unwrap()
            .unwrap();
        assert_ne!(event.event, "GenerationFailed", "{}", event.data);
        if event.event == "GenerationCompleted" {
            done.extend(ids.iter().copied().filter(|id| event.data.contains(id)));
        }
    }
}

#[tokio::test]
async fn a_generation_asks_for_openai_and_completes_through_its_event_beside_replicate() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = SimulatorConfig::new(&sim_url, WebhookSecret::parse(WEBHOOK_SECRET).unwrap());
    (config.start_delay, config.run_time) = (Duration::from_millis(50), Duration::from_millis(100));
    config.openai_webhook_url = Some(format!("{base}/webhooks/openai"));
    let simulator = Simulator::new(config);
    tokio::spawn(simulator.clone().serve(listener, shutdown.clone()));

    let _api = Running(
        Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
            .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
            .env("IMAGEGEN_PROVIDER", "replicate")
            .env("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1"))
            .env("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test")
            .env("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)
            .env("IMAGEGEN_OPENAI_API_KEY", "sk-test")
            .env("IMAGEGEN_OPENAI_BASE_URL", format!("{sim_url}/v1"))
            .env("IMAGEGEN_OPENAI_WEBHOOK_SECRETS", WEBHOOK_SECRET)
            .env("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true")
            .env(
                "IMAGEGEN_DATA_DIR",
                imagegen_test_support::scratch_dir("imagegen-provider"),
            )
            .env("IMAGEGEN_JWT_SECRET", JWT_SECRET)
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    until_healthy(port).await;

    let (token, mut events) = crate::watching_user(&base).await;
    let http = reqwest::Client::new();
    let create = |body: Value| {
        http.post(format!("{base}/v1/generations"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    let unknown = create(json!({ "prompt": "a harbour", "settings": { "provider": "dall-e" } }))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 422);
    let problem: Value = unknown.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("replicate, openai"),
        "{problem}"
    );
    let too_small = create(
        json!({ "prompt": "a harbour", "settings": { "provider": "openai", "size": "96x64" } }),
    )
    .await
    .unwrap();
    assert_eq!(too_small.status(), 422, "OpenAI makes three sizes");

    let openai: Value =
        create(json!({ "prompt": "a harbour at dawn", "settings": { "provider": "openai" } }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        (
            openai["provider"].as_str(),
            openai["settings"]["size"].as_str()
        ),
        (Some("openai"), Some("1024x1024"))
    );
    let replicate: Value =
        create(json!({ "prompt": "a harbour at dusk", "settings": { "size": "96x64" } }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(replicate["provider"], "replicate");
    let ids = [
        openai["id"].as_str().unwrap(),
        replicate["id"].as_str().unwrap(),
    ];
    all_completed(&mut events, &ids).await;

    let done: Value = http
        .get(format!(
            "{base}/v1/generations/{}",
            openai["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "completed");
    let image = &done["images"][0];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1024), Some(1024)),
        "{done}"
    );
    let stats = simulator.stats();
    assert_eq!(
        (stats.openai_creates, stats.creates),
        (1, 1),
        "one create at each provider"
    );
    assert_eq!(
        stats.openai_gets, 2,
        "the response read for its state, then for its image"
    );
    assert_eq!(stats.gets, 0, "no polling");
    // The api counts the same calls the simulator saw: both reads of the response
    // (for its event, then for its image) are `event`, not polls.
    let mut admin = crate::user_token(JWT_SECRET).0;
    admin.role = imagegen_application::Role::Admin;
    let admin = imagegen_bootstrap::JwtCodec::new(JWT_SECRET.as_bytes())
        .issue(&admin, chrono::Duration::minutes(5))
        .unwrap();
    let usage: Value = (http
        .get(format!("{base}/admin/providers"))
        .bearer_auth(&admin))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let openai_calls = (usage["providers"].as_array().unwrap().iter())
        .find(|p| p["name"] == "openai")
        .map(|p| p["calls"].clone());
    assert_eq!(
        openai_calls,
        Some(json!({ "create": 1, "reconcile": 0, "cancel": 0, "event": stats.openai_gets })),
        "{usage}"
    );

    // Events about anything but responses are acknowledged; unsigned ones refused.
    let body = br#"{"object":"event","id":"evt_x","type":"batch.completed","created_at":1,"data":{"id":"batch_1"}}"#;
    let now = chrono::Utc::now().timestamp();
    let signature = sign(
        &WebhookSecret::parse(WEBHOOK_SECRET).unwrap(),
        "msg_batch",
        now,
        body,
    );
    let post = |signature: String| {
        http.post(format!("{base}/webhooks/openai"))
            .header("webhook-id", "msg_batch")
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec())
            .send()
    };
    let ignored = post(signature).await.unwrap();
    assert_eq!(ignored.status(), 200);
    assert_eq!(ignored.json::<Value>().await.unwrap()["status"], "ignored");
    assert_eq!(post("v1,AAAA".into()).await.unwrap().status(), 401);
}
