//! The webhook endpoint: signatures on the raw body, malformed bodies, duplicates,
//! updates that would move a generation backwards, and one route per provider (the
//! built-in simulator's generations are stamped `simulator` and their webhooks arrive
//! at `/webhooks/simulator/...`, verified with its secrets; no other provider's route
//! takes them).

use chrono::Utc;
use imagegen_webhooks::{WebhookSecret, sign};
use serde_json::json;

use imagegen_application::ports::QueueName;

use crate::support::{Api, WEBHOOK_SECRET, eventually_async, start_with_secret, until, user};

pub(crate) struct Delivery {
    id: String,
    timestamp: i64,
    pub(crate) signature: String,
    body: String,
}

pub(crate) fn signed(id: &str, body: &serde_json::Value) -> Delivery {
    let body = body.to_string();
    let timestamp = Utc::now().timestamp();
    let secret = WebhookSecret::parse(WEBHOOK_SECRET).unwrap();
    let signature = sign(&secret, id, timestamp, body.as_bytes());
    Delivery {
        id: id.to_owned(),
        timestamp,
        signature,
        body,
    }
}

async fn post(api: &Api, generation_id: &str, delivery: &Delivery) -> reqwest::Response {
    post_to(api, "simulator", generation_id, delivery).await
}

/// A delivery on the route of `provider`.
pub(crate) async fn post_to(
    api: &Api,
    provider: &str,
    generation_id: &str,
    delivery: &Delivery,
) -> reqwest::Response {
    api.http
        .post(format!("{}/webhooks/{provider}/{generation_id}", api.base))
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", delivery.timestamp.to_string())
        .header("webhook-signature", &delivery.signature)
        .header("content-type", "application/json")
        .body(delivery.body.clone())
        .send()
        .await
        .unwrap()
}

/// Posts `body` signed with the api's secret as delivery `webhook_id`.
pub async fn post_signed(
    api: &Api,
    generation_id: &str,
    webhook_id: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    post(api, generation_id, &signed(webhook_id, body)).await
}

pub(crate) fn prediction(id: &str, status: &str) -> serde_json::Value {
    json!({ "id": id, "status": status, "output": null, "error": "forged", "input": {} })
}

#[tokio::test]
async fn unsigned_mis_signed_and_stale_webhooks_are_refused_with_401() {
    let api = start_with_secret().await;
    let generation = uuid::Uuid::now_v7().to_string();
    let unsigned = api
        .http
        .post(format!("{}/webhooks/simulator/{generation}", api.base))
        .header("content-type", "application/json")
        .body(prediction("p", "processing").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401, "no signature headers at all");

    let mut delivery = signed("msg_a", &prediction("p", "processing"));
    delivery.signature = "v1,AAAA".into();
    assert_eq!(post(&api, &generation, &delivery).await.status(), 401);

    let mut stale = signed("msg_b", &prediction("p", "processing"));
    stale.timestamp -= 301;
    let secret = WebhookSecret::parse(WEBHOOK_SECRET).unwrap();
    stale.signature = sign(&secret, &stale.id, stale.timestamp, stale.body.as_bytes());
    let response = post(&api, &generation, &stale).await;
    assert_eq!(response.status(), 401);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_signature");

    let mut tampered = signed("msg_c", &prediction("p", "processing"));
    tampered.body = tampered.body.replace("processing", "succeeded");
    assert_eq!(post(&api, &generation, &tampered).await.status(), 401);
    api.stop().await;
}

#[tokio::test]
async fn a_signed_but_malformed_body_is_refused_with_400() {
    let api = start_with_secret().await;
    let generation = uuid::Uuid::now_v7().to_string();
    let delivery = signed("msg_d", &json!({ "status": "exploded" }));
    let response = post(&api, &generation, &delivery).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "malformed_webhook");
    api.stop().await;
}

#[tokio::test]
async fn a_repeated_delivery_is_acknowledged_and_a_late_one_changes_nothing() {
    let api = start_with_secret().await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "a fox" })).await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&mut events, "GenerationCompleted").await;
    let done = api.generation(&alice, &id).await;
    let external_id = done["external_id"].as_str().unwrap();

    // A late "failed" for a completed generation, delivered twice.
    let applied = api
        .queue_stats(QueueName::GenerationWebhooks)
        .await
        .completed;
    let late = signed("msg_late", &prediction(external_id, "failed"));
    let first: serde_json::Value = post(&api, &id, &late).await.json().await.unwrap();
    let second: serde_json::Value = post(&api, &id, &late).await.json().await.unwrap();
    assert_eq!(
        (first["status"].as_str(), second["status"].as_str()),
        (Some("queued"), Some("duplicate"))
    );

    // Once its one job has run, nothing may have changed.
    eventually_async("the late webhook's job to run", || async {
        let stats = api.queue_stats(QueueName::GenerationWebhooks).await;
        (stats.completed == applied + 1 && stats.waiting + stats.active == 0).then_some(())
    })
    .await;
    let after = api.generation(&alice, &id).await;
    assert_eq!(after["status"], "completed");
    assert_eq!(after["version"], done["version"]);
    assert!(
        events.try_recv().is_err(),
        "no event may follow GenerationCompleted"
    );
    api.stop().await;
}

#[tokio::test]
async fn a_source_over_the_webhook_rate_gets_a_429_before_any_signature_check() {
    let api = crate::support::start_with(&[
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET),
        ("IMAGEGEN_WEBHOOK_RATE_PER_MINUTE", "2"),
    ])
    .await;
    let generation = uuid::Uuid::now_v7().to_string();
    for n in 0..2 {
        let delivery = signed(&format!("msg_{n}"), &prediction("p", "processing"));
        let status = post(&api, &generation, &delivery).await.status();
        assert_eq!(status, 200, "under the rate: taken");
    }
    let mut forged = signed("msg_3", &prediction("p", "processing"));
    forged.signature = "v1,AAAA".into();
    let refused = post(&api, &generation, &forged).await;
    assert_eq!(
        refused.status(),
        429,
        "limited before the signature was looked at"
    );
    assert!(refused.headers().contains_key("retry-after"));
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "rate_limited");
    api.stop().await;
}

#[tokio::test]
async fn webhooks_arrive_on_the_route_of_the_provider_stamped_on_the_generation() {
    let api = start_with_secret().await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "stamped" })).await;
    until(&mut events, "GenerationCompleted").await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(api.generation(&alice, id).await["provider"], "simulator");

    // A delivery signed with the right secret, but on another provider's route.
    let delivery = signed("msg_elsewhere", &prediction("p", "processing"));
    let elsewhere = post_to(&api, "replicate", id, &delivery).await;
    assert_eq!(
        elsewhere.status(),
        404,
        "this api takes no Replicate webhooks"
    );
    let problem: serde_json::Value = elsewhere.json().await.unwrap();
    assert!(problem["detail"].is_string(), "{problem}");
    // On its own route it is taken (a late duplicate of nothing: recorded, no move).
    assert_eq!(post(&api, id, &delivery).await.status(), 200);
    api.stop().await;
}
