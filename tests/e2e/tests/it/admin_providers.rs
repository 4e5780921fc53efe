//! `GET /admin/providers`: the calls made to each provider by reason, agreeing with
//! what the provider (the simulator) counted; admins only.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::support::{Api, start_with_secret, until, user};

/// The calls of `provider` by reason, as the admin api shows them.
pub async fn provider_calls(api: &Api, provider: &str) -> Value {
    let usage = api.get_json("/admin/providers", &admin_token()).await;
    usage["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == provider)
        .map_or(Value::Null, |p| p["calls"].clone())
}

#[tokio::test]
async fn provider_calls_are_counted_by_reason_for_admins() {
    let api = start_with_secret().await;
    let alice = user();
    let refused = api
        .http
        .get(format!("{}/admin/providers", api.base))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        provider_calls(&api, "simulator").await,
        Value::Null,
        "none yet"
    );

    let mut events = api.watch_user(&alice).await;
    for n in 0..2 {
        api.create_ok(&alice, json!({ "prompt": format!("counted {n}") }))
            .await;
        until(&mut events, "GenerationCompleted").await;
    }
    let stats = api.sim().stats();
    assert_eq!(
        provider_calls(&api, "simulator").await,
        json!({ "create": stats.creates, "reconcile": stats.gets, "cancel": stats.cancels, "event": 0 })
    );
    assert_eq!(stats.creates, 2);
}

async fn test_provider(api: &Api, name: &str, token: &str) -> reqwest::Response {
    api.http
        .post(format!("{}/admin/providers/{name}/test", api.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_tests_the_providers_webhooks_with_a_real_round_trip() {
    let api = start_with_secret().await;
    let report: Value = test_provider(&api, "simulator", &admin_token())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert!(report["round_trip_ms"].as_u64().is_some(), "{report}");
    assert!(api.sim().stats().webhooks_sent > 0, "a real webhook");
    for (name, status) in [("replicate", 404), ("nowhere", 404)] {
        assert_eq!(
            test_provider(&api, name, &admin_token()).await.status(),
            status,
            "{name}"
        );
    }
    let user = user();
    assert_eq!(
        test_provider(&api, "simulator", &user.token).await.status(),
        403
    );
}
