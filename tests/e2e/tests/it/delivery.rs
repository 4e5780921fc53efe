//! `GET`/`PUT /admin/delivery`: the rollout policy. Users outside the webhook share
//! poll: their generations ask the provider for no webhook and complete by polling
//! every 2 s; a user override wins; bad policies change nothing; admins only.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::support::{Api, start_with_secret, until, user};

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
    assert_eq!(api.get_json("/admin/delivery", &admin).await, default);
    for bad in [
        json!({ "mode": "webhook", "percentage": 101 }),
        json!({ "mode": "carrier-pigeon", "percentage": 10 }),
        json!({ "mode": "webhook", "percentage": 10, "speed": 3 }),
    ] {
        assert_eq!(put(&api, &admin, &bad).await.status(), 422, "{bad}");
        assert_eq!(
            api.get_json("/admin/delivery", &admin).await,
            default,
            "{bad}"
        );
    }
    assert_eq!(put(&api, &alice.token, &default).await.status(), 403);

    // Nobody in the webhook share, except Bob by name.
    let policy = json!({
        "mode": "webhook", "percentage": 0,
        "user_overrides": { bob.id.to_string(): "webhook" }, "global_override": null,
    });
    assert_eq!(put(&api, &admin, &policy).await.status(), 200);
    assert_eq!(api.get_json("/admin/delivery", &admin).await, policy);

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
