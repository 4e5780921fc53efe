//! `GET`/`PUT /admin/delivery`: the rollout policy. Users outside the webhook share
//! poll: their generations ask the provider for no webhook and complete by polling
//! every 2 s; a user override wins; bad policies change nothing; admins only. In
//! `dual`, both paths run and where they disagree is recorded and listed.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::support::{
    Api, WEBHOOK_SECRET, eventually_async, start_with, start_with_secret, until, user,
};
use crate::webhooks::{post_to, prediction, signed};

/// The policy as `GET /admin/delivery` shows it, without the fallback's state.
async fn policy(api: &Api, token: &str) -> Value {
    let mut shown = api.get_json("/admin/delivery", token).await;
    if let Some(shown) = shown.as_object_mut() {
        shown.remove("automatic");
        shown.remove("health");
    }
    shown
}

async fn put(api: &Api, token: &str, policy: &Value) -> reqwest::Response {
    api.http
        .put(format!("{}/admin/delivery", api.base))
        .bearer_auth(token)
        .json(policy)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn users_outside_the_webhook_share_complete_by_polling_and_overrides_win() {
    let api = start_with_secret().await;
    let (admin, alice, bob) = (admin_token(), user(), user());
    let forbidden = api
        .http
        .get(format!("{}/admin/delivery", api.base))
        .bearer_auth(&alice.token);
    assert_eq!(forbidden.send().await.unwrap().status(), 403);
    let default = json!({ "mode": "webhook", "percentage": 100, "user_overrides": {}, "global_override": null });
    assert_eq!(policy(&api, &admin).await, default);
    for bad in [
        json!({ "mode": "webhook", "percentage": 101 }),
        json!({ "mode": "carrier-pigeon", "percentage": 10 }),
        json!({ "mode": "webhook", "percentage": 10, "speed": 3 }),
    ] {
        assert_eq!(put(&api, &admin, &bad).await.status(), 422, "{bad}");
        assert_eq!(policy(&api, &admin).await, default, "{bad}");
    }
    assert_eq!(put(&api, &alice.token, &default).await.status(), 403);

    // Nobody in the webhook share, except Bob by name.
    let rollout = json!({
        "mode": "webhook", "percentage": 0,
        "user_overrides": { bob.id.to_string(): "webhook" }, "global_override": null,
    });
    assert_eq!(put(&api, &admin, &rollout).await.status(), 200);
    assert_eq!(policy(&api, &admin).await, rollout);

    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "polled" })).await;
    assert_eq!(created["delivery_mode"], "polling");
    until(&mut events, "GenerationCompleted").await;
    let stats = api.sim().stats();
    assert_eq!(
        stats.webhooks_sent, 0,
        "no webhook was asked for: {stats:?}"
    );
    assert!(stats.gets > 0, "completed by polling: {stats:?}");

    let mut events = api.watch_user(&bob).await;
    let created = api.create_ok(&bob, json!({ "prompt": "pushed" })).await;
    assert_eq!(created["delivery_mode"], "webhook");
    until(&mut events, "GenerationCompleted").await;
    assert!(api.sim().stats().webhooks_sent > 0, "Bob's came by webhook");
}

#[tokio::test]
async fn in_dual_mode_both_paths_are_compared_and_a_disagreement_is_recorded() {
    let api = start_with(&[
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET),
        ("IMAGEGEN_SIM_RUN_MS", "1500"),
    ])
    .await;
    let (admin, alice) = (admin_token(), user());
    let everyone_dual = json!({ "mode": "webhook", "percentage": 100, "global_override": "dual" });
    assert_eq!(put(&api, &admin, &everyone_dual).await.status(), 200);

    // Both paths agree: no mismatch.
    let mut events = api.watch_user(&alice).await;
    let agreed = api.create_ok(&alice, json!({ "prompt": "agreed" })).await;
    assert_eq!(agreed["delivery_mode"], "dual");
    until(&mut events, "GenerationCompleted").await;

    // A webhook that says "failed" while the provider goes on to succeed.
    let created = api
        .create_ok(&alice, json!({ "prompt": "contradicted" }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&mut events, "GenerationStarted").await;
    let external = api.generation(&alice, &id).await["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lie = signed("msg_lie", &prediction(&external, "failed"));
    assert_eq!(post_to(&api, "simulator", &id, &lie).await.status(), 200);
    until(&mut events, "GenerationFailed").await;

    let listing = eventually_async("the disagreement recorded", || async {
        let listing = api.get_json("/admin/delivery/mismatches", &admin).await;
        (listing["total"] == 1).then_some(listing)
    })
    .await;
    let mismatch = &listing["mismatches"][0];
    assert_eq!(mismatch["generation_id"], id.as_str(), "{listing}");
    assert_eq!(mismatch["kind"], "status");
    assert_eq!(mismatch["webhook"]["status"], "failed");
    assert_eq!(mismatch["poll"]["status"], "succeeded");
    let stranger = api
        .http
        .get(format!("{}/admin/delivery/mismatches", api.base))
        .bearer_auth(&alice.token);
    assert_eq!(stranger.send().await.unwrap().status(), 403);
}
