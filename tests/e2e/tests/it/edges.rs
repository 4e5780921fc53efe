//! Edges over real HTTP: oversized bodies, creation limits, a webhook for a generation
//! we never made, a rate-limiting provider, and a dropped webhook (which leaves the
//! generation waiting until the reconciler lands).

use imagegen_application::ports::QueueName;
use serde_json::json;

use crate::support::{eventually, start, start_with, start_with_secret, user};

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem_and_creates_nothing() {
    let api = start().await;
    let alice = user();
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = api.create(&alice, json!({ "prompt": huge })).await;
    assert_eq!(response.status(), 413);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "body_too_large");
    let mine: serde_json::Value = api
        .get(&alice, "/v1/generations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(0));
    api.stop().await;
}

#[tokio::test]
async fn a_signed_webhook_for_an_unknown_generation_is_acknowledged_and_dead_lettered() {
    let api = start_with_secret().await;
    let unknown = uuid::Uuid::now_v7().to_string();
    let response = crate::webhooks::post_signed(
        &api,
        &unknown,
        "msg_unknown",
        &json!({ "id": "p", "status": "processing" }),
    )
    .await;
    assert_eq!(
        response.status(),
        200,
        "acknowledged, so the provider stops retrying"
    );
    let dead = crate::queues::dead_letters(&api, QueueName::GenerationWebhooks).await;
    assert!(
        dead[0].last_error.contains("not found"),
        "{}",
        dead[0].last_error
    );
    api.stop().await;
}

#[tokio::test]
async fn a_rate_limited_create_is_retried_after_the_providers_retry_after() {
    let api = start_with(&[("IMAGEGEN_SIM_FAULTS", "create_rate_limited=1")]).await;
    let alice = user();
    let created = api
        .create_ok(&alice, json!({ "prompt": "busy provider" }))
        .await;
    eventually("a second create attempt", || api.sim().stats().creates >= 2).await;
    let id = created["id"].as_str().unwrap();
    let generation = api.generation(&alice, id).await;
    assert_eq!(
        generation["status"], "pending",
        "throttling is not a failure"
    );
    let jobs = api.queue_stats(QueueName::ProviderSubmissions).await;
    assert_eq!(
        (jobs.failed, jobs.completed),
        (0, 0),
        "the submission is still retrying"
    );
    api.stop().await;
}

#[tokio::test]
async fn a_dropped_webhook_is_not_polled_for_before_it_is_overdue() {
    let api = start_with(&[("IMAGEGEN_SIM_FAULTS", "drop_webhook=1")]).await;
    let alice = user();
    let created = api
        .create_ok(&alice, json!({ "prompt": "lost in transit" }))
        .await;
    // Both the start and the completed webhook are dropped by the provider.
    eventually("both webhooks dropped", || {
        api.sim().stats().webhooks_dropped == 2
    })
    .await;
    let id = created["id"].as_str().unwrap();
    let generation = api.generation(&alice, id).await;
    // Not overdue yet (IMAGEGEN_RECONCILE_AFTER_SECS, 120 s by default): it waits, and
    // the provider is not polled. `fallback.rs` sees it completed once overdue.
    assert_eq!(generation["status"], "starting");
    assert_eq!(api.sim().stats().gets, 0, "nobody polled");
    api.stop().await;
}

#[tokio::test]
async fn a_user_over_the_creation_rate_gets_a_429_with_retry_after() {
    let api = start_with(&[("IMAGEGEN_CREATE_RATE_PER_MINUTE", "2")]).await;
    let alice = user();
    for n in 0..2 {
        api.create_ok(&alice, json!({ "prompt": format!("quick {n}") }))
            .await;
    }
    let refused = api
        .create(&alice, json!({ "prompt": "one too many" }))
        .await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "rate_limited");
    let mine: serde_json::Value = api
        .get(&alice, "/v1/generations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["items"].as_array().map(Vec::len),
        Some(2),
        "the refused one was not saved"
    );
    api.stop().await;
}

/// Tried as a new user would: the model `./..` passed validation and the create call
/// went to `{base}/predictions`. A model outside the provider's character set is now
/// refused before anything reaches the provider.
#[tokio::test]
async fn a_model_that_could_change_the_providers_url_is_refused_before_any_call() {
    let api = crate::support::start().await;
    let alice = crate::support::user();
    for model in ["./..", "../x", "a/..", "owner/name:../../predictions"] {
        let refused = api
            .create(
                &alice,
                serde_json::json!({ "prompt": "x", "settings": { "model": model } }),
            )
            .await;
        assert_eq!(refused.status(), 422, "{model}");
        let problem: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(problem["code"], "invalid_settings", "{model}: {problem}");
    }
    assert_eq!(api.sim().stats().creates, 0, "nothing reached the provider");
}
