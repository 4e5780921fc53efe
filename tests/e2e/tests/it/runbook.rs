//! The migration runbook's steps, in order, with its own bodies: a user pinned with
//! `user_overrides` stays pinned through every phase and the rollback (each a `PATCH`,
//! which merges), and `PUT` still replaces the whole policy.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::support::{Api, start, user};

async fn patch(api: &Api, body: Value) -> Value {
    let response = api
        .http
        .patch(format!("{}/admin/delivery", api.base))
        .bearer_auth(admin_token())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{body}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_runbooks_steps_keep_a_pinned_user_and_put_still_replaces() {
    let api = start().await;
    let pinned = user();
    patch(
        &api,
        json!({ "mode": "dual", "percentage": 0, "global_override": null }),
    )
    .await;
    patch(
        &api,
        json!({ "user_overrides": { pinned.id.to_string(): "polling" } }),
    )
    .await;
    for step in [
        json!({ "mode": "dual", "percentage": 10 }),
        json!({ "mode": "dual", "percentage": 50 }),
        json!({ "mode": "webhook", "percentage": 10 }),
        json!({ "mode": "webhook", "percentage": 50 }),
        json!({ "mode": "webhook", "percentage": 100 }),
        json!({ "global_override": "polling" }),
    ] {
        let policy = patch(&api, step.clone()).await;
        assert_eq!(
            policy["user_overrides"][pinned.id.to_string()],
            "polling",
            "after {step}: {policy}"
        );
    }
    let shown = api.get_json("/admin/delivery", &admin_token()).await;
    assert_eq!(shown["global_override"], "polling");
    assert_eq!(shown["mode"], "webhook");
    assert_eq!(shown["user_overrides"][pinned.id.to_string()], "polling");

    let unpinned = patch(
        &api,
        json!({ "user_overrides": { pinned.id.to_string(): null } }),
    )
    .await;
    assert_eq!(unpinned["user_overrides"], json!({}), "null unpins");
    let bad = api
        .http
        .patch(format!("{}/admin/delivery", api.base))
        .bearer_auth(admin_token())
        .json(&json!({ "percentage": 101 }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422, "a bad result changes nothing");
    let refused_for_users = api
        .http
        .patch(format!("{}/admin/delivery", api.base))
        .bearer_auth(&pinned.token)
        .json(&json!({ "percentage": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused_for_users.status(), 403);

    patch(
        &api,
        json!({ "user_overrides": { pinned.id.to_string(): "dual" } }),
    )
    .await;
    let replaced: Value = api
        .http
        .put(format!("{}/admin/delivery", api.base))
        .bearer_auth(admin_token())
        .json(&json!({ "mode": "webhook", "percentage": 100 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        replaced["user_overrides"],
        json!({}),
        "PUT replaces everything"
    );
}
