//! `POST /admin/broadcast`: a message reaches every connection watching `system`, on
//! every api instance (the Redis bus), over SSE and WebSocket, unchanged; only admins
//! may send one.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::support::{Api, user};
use crate::ws_client::WsClient;

async fn broadcast(api: &Api, token: &str, body: &Value) -> reqwest::Response {
    api.http
        .post(format!("{}/admin/broadcast", api.base))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_broadcast_reaches_system_watchers_on_every_instance() {
    let (first, second) = crate::modes::two_apis().await;
    reaches_both(&first, &second).await;
}

/// The durable mode carries broadcasts through Postgres (`NOTIFY`) instead of Redis.
#[tokio::test]
async fn a_broadcast_reaches_system_watchers_on_every_instance_without_redis() {
    let (first, second) = crate::modes::two_durable_apis().await;
    reaches_both(&first, &second).await;
}

async fn reaches_both(first: &Api, second: &Api) {
    let alice = user();
    let mut sse = second
        .events(
            &format!("channel=system&access_token={}", alice.token),
            None,
        )
        .await;
    let mut ws = WsClient::connect(&first.base, &alice.token).await;
    ws.send(json!({ "type": "subscribe", "channel": "system" }))
        .await;
    assert_eq!(ws.json().await["type"], "subscribed");
    let mut elsewhere = WsClient::connect(&first.base, &alice.token).await;
    let own = format!("user:{}", alice.id);
    elsewhere
        .send(json!({ "type": "subscribe", "channel": own }))
        .await;
    assert_eq!(elsewhere.json().await["type"], "subscribed");

    let message = json!({ "text": "maintenance at 02:00", "severity": 2, "tags": ["ops"] });
    let refused = broadcast(first, &alice.token, &json!({ "message": message })).await;
    assert_eq!(refused.status(), 403, "only admins broadcast");
    let sent = broadcast(first, &admin_token(), &json!({ "message": message })).await;
    assert_eq!(sent.status(), 202);

    let over_sse = tokio::time::timeout(std::time::Duration::from_secs(30), sse.recv())
        .await
        .expect("no broadcast on the other instance")
        .unwrap();
    assert_eq!(over_sse.event, "SystemBroadcast");
    assert_eq!(over_sse.data["payload"]["message"], message, "unchanged");
    let over_ws = ws.json().await;
    assert_eq!(
        (over_ws["type"].as_str(), over_ws["channel"].as_str()),
        (Some("event"), Some("system"))
    );
    assert_eq!(over_ws["data"]["event_type"], "SystemBroadcast");
    assert_eq!(over_ws["data"]["payload"]["message"], message);

    // A connection that does not watch `system` got nothing: its next message is the
    // answer to its ping (the broadcast reached this instance's hub before `ws` saw it).
    elsewhere.send(json!({ "type": "ping" })).await;
    assert_eq!(elsewhere.json().await, json!({ "type": "pong" }));
}

/// Over 16 KiB a broadcast is refused (413 or 422, never half sent); in the durable
/// mode, where Postgres `NOTIFY` carries it, over 7,900 bytes.
#[tokio::test]
async fn a_broadcast_over_the_size_limit_is_refused() {
    let api = crate::support::start().await;
    let big = json!({ "message": "x".repeat(17 * 1024) });
    let refused = broadcast(&api, &admin_token(), &big).await;
    assert!(
        [413, 422].contains(&refused.status().as_u16()),
        "{}",
        refused.status()
    );

    let durable = crate::modes::start_durable().await;
    let medium = json!({ "message": "x".repeat(8 * 1024) });
    let refused = broadcast(&durable, &admin_token(), &medium).await;
    assert!(
        [413, 422].contains(&refused.status().as_u16()),
        "{}",
        refused.status()
    );
    let small = json!({ "message": "x".repeat(7 * 1024) });
    assert_eq!(
        broadcast(&durable, &admin_token(), &small).await.status(),
        202
    );
}

/// Broadcasts are not stored: a client resuming from before one gets the stored
/// events after its position, and never the broadcast.
#[tokio::test]
async fn a_broadcast_is_never_replayed_on_resume() {
    let api = crate::support::start().await;
    let alice = user();
    let query = format!(
        "channel=system&channel=user:{}&access_token={}",
        alice.id, alice.token
    );
    let mut live = api.events(&query, None).await;
    let sent = broadcast(&api, &admin_token(), &json!({ "message": "once" })).await;
    assert_eq!(sent.status(), 202);
    let seen = crate::support::until(&mut live, "SystemBroadcast").await;
    assert!(
        seen.last().unwrap().id.is_empty(),
        "a broadcast carries no id"
    );
    // A stored event after it, then a resume from position 0.
    api.create_ok(&alice, json!({ "prompt": "after the broadcast" }))
        .await;
    crate::support::until(&mut live, "GenerationCompleted").await;
    let mut resumed = api.events(&query, Some("0")).await;
    let replayed = crate::support::until(&mut resumed, "GenerationCompleted").await;
    assert!(
        replayed.iter().all(|m| m.event != "SystemBroadcast"),
        "{replayed:?}"
    );
}
