//! Resuming from before what the store keeps (its retention): SSE, WebSocket and the
//! poll endpoint all say `resync` instead of silently skipping the deleted events.

use serde_json::{Value, json};

use crate::support::{start, until, user};
use crate::ws_client::WsClient;

#[tokio::test]
async fn a_resume_from_before_the_retention_gets_resync_on_every_transport() {
    let api = start().await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    api.create_ok(&alice, json!({ "prompt": "long ago" })).await;
    let seen = until(&mut events, "GenerationCompleted").await;
    let first: u64 = seen[0].id.parse().unwrap();
    // What the hourly cleanup does past the retention, now.
    let later = chrono::Utc::now() + chrono::Duration::seconds(1);
    let pruned = api.event_store.prune_before(later).await.unwrap();
    assert!(pruned >= seen.len() as u64);
    let channel = format!("user:{}", alice.id);

    let mut ws = WsClient::connect(&api.base, &alice.token).await;
    ws.send(json!({ "type": "subscribe", "channel": channel, "since": first }))
        .await;
    assert_eq!(ws.json().await["type"], "subscribed");
    let resync = ws.json().await;
    assert_eq!(
        (resync["type"].as_str(), resync["channel"].as_str()),
        (Some("resync"), Some(channel.as_str()))
    );

    let mut sse = api
        .events(
            &format!("channel={channel}&access_token={}", alice.token),
            Some(&first.to_string()),
        )
        .await;
    let told = tokio::time::timeout(std::time::Duration::from_secs(10), sse.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(told.event, "resync");

    let page: Value = api
        .get(
            &alice,
            &format!("/v1/events/poll?channel={channel}&after={first}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["resync"], true, "{page}");

    // From the present, nothing is missing: no resync.
    let latest = api.services.open_stream.latest_position().await.unwrap().0;
    ws.send(json!({ "type": "subscribe", "channel": channel, "since": latest }))
        .await;
    assert_eq!(ws.json().await["type"], "subscribed");
    ws.send(json!({ "type": "ping" })).await;
    assert_eq!(ws.json().await, json!({ "type": "pong" }));
}
