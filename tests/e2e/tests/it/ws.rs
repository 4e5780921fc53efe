//! `GET /v1/ws`: subscribe and unsubscribe as you go, each event once and in order,
//! resume with `since`, authorization at every subscribe, stable error codes, and
//! closes the client can act on (expired token, shutdown).

use serde_json::{Value, json};

use crate::support::{start, user};
use crate::tokens::expiring_token;
use crate::ws_client::{Received, SERVICE_RESTART, WsClient};

/// The `sequence` of each event of `generation`, in the order received.
fn sequences(messages: &[Value], generation: &str) -> Vec<u64> {
    messages
        .iter()
        .filter(|m| m["type"] == "event" && m["data"]["aggregate_id"] == generation)
        .map(|m| m["data"]["sequence"].as_u64().unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn a_subscriber_gets_each_event_once_in_order_then_resumes_with_since() {
    // Runs long enough that an unsubscribe lands while one is running.
    let api = crate::support::start_with(&[("IMAGEGEN_SIM_RUN_MS", "1000")]).await;
    let alice = user();
    let channel = format!("user:{}", alice.id);
    let mut ws = WsClient::connect(&api.base, &alice.token).await;
    ws.send(json!({ "type": "subscribe", "channel": channel }))
        .await;
    assert_eq!(
        ws.json().await,
        json!({ "type": "subscribed", "channel": channel })
    );

    let created = api
        .create_ok(&alice, json!({ "prompt": "a harbour" }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let live = ws.until_event("GenerationCompleted").await;
    let seen = sequences(&live, &id);
    assert_eq!(
        seen,
        (1..=seen.len() as u64).collect::<Vec<_>>(),
        "{live:?}"
    );
    assert!(live.iter().all(|m| m["channel"] == channel.as_str()));
    let positions: Vec<u64> = live.iter().filter_map(|m| m["position"].as_u64()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

    // A second connection resumes after the first event: exactly the rest.
    let mut again = WsClient::connect(&api.base, &alice.token).await;
    let since = positions[0];
    again
        .send(json!({ "type": "subscribe", "channel": channel, "since": since }))
        .await;
    assert_eq!(again.json().await["type"], "subscribed");
    let resumed = again.until_event("GenerationCompleted").await;
    let resumed: Vec<u64> = resumed
        .iter()
        .filter_map(|m| m["position"].as_u64())
        .collect();
    assert_eq!(resumed, positions[1..], "no gap, no duplicate");

    // Unsubscribed while a generation runs: nothing of it after `unsubscribed`.
    let mut watching = api.watch_user(&alice).await;
    let running = api
        .create_ok(&alice, json!({ "prompt": "a lighthouse" }))
        .await;
    let started = ws.until_event("GenerationStarted").await;
    assert_eq!(
        started.last().unwrap()["data"]["aggregate_id"],
        running["id"]
    );
    ws.send(json!({ "type": "unsubscribe", "channel": channel }))
        .await;
    loop {
        let answer = ws.json().await;
        if answer["type"] == "unsubscribed" {
            break;
        }
        assert_eq!(answer["type"], "event", "{answer}");
    }
    crate::support::until(&mut watching, "GenerationCompleted").await;
    ws.send(json!({ "type": "ping" })).await;
    assert_eq!(
        ws.json().await,
        json!({ "type": "pong" }),
        "no event after unsubscribing"
    );
}

#[tokio::test]
async fn another_users_channel_and_bad_messages_get_stable_error_codes() {
    let api = start().await;
    let (alice, bob) = (user(), user());
    let mut ws = WsClient::connect(&api.base, &alice.token).await;
    let cases = [
        (
            json!({ "type": "subscribe", "channel": format!("user:{}", bob.id) }),
            "forbidden",
        ),
        (
            json!({ "type": "subscribe", "channel": format!("organization:{}", bob.org) }),
            "forbidden",
        ),
        (
            json!({ "type": "subscribe", "channel": "weather" }),
            "invalid_channel",
        ),
        (
            json!({ "type": "unsubscribe", "channel": "system" }),
            "not_subscribed",
        ),
        (json!({ "type": "shout" }), "invalid_message"),
        // Longer than the server's read buffer: read in pieces, answered as one.
        (
            json!({ "type": "subscribe", "channel": format!("user:{}", "x".repeat(4000)) }),
            "invalid_channel",
        ),
    ];
    for (message, code) in cases {
        ws.send(message.clone()).await;
        let answer = ws.json().await;
        assert_eq!(
            (answer["type"].as_str(), answer["code"].as_str()),
            (Some("error"), Some(code)),
            "{message}"
        );
    }
    // Bob's events never reach Alice, who watches her own channel: Bob's generation
    // runs to its end, then a marker of her own; the first event she sees is hers.
    let own = format!("user:{}", alice.id);
    ws.send(json!({ "type": "subscribe", "channel": own }))
        .await;
    assert_eq!(ws.json().await["type"], "subscribed");
    let mut bobs = api.watch_user(&bob).await;
    api.create_ok(&bob, json!({ "prompt": "secret" })).await;
    crate::support::until(&mut bobs, "GenerationCompleted").await;
    let marker = api.create_ok(&alice, json!({ "prompt": "marker" })).await;
    let first = ws.json().await;
    assert_eq!(first["type"], "event", "{first}");
    assert_eq!(
        first["data"]["aggregate_id"], marker["id"],
        "nothing of Bob's: {first}"
    );
}

#[tokio::test]
async fn a_connection_closes_with_4001_when_its_token_expires_and_1012_on_shutdown() {
    let api = start().await;
    let alice = user();
    let short = expiring_token(&alice, 1);
    let mut expiring = WsClient::connect(&api.base, &short).await;
    assert_eq!(expiring.close_code().await, Some(4001));

    let mut ws = WsClient::connect(&api.base, &alice.token).await;
    ws.send(json!({ "type": "subscribe", "channel": "system" }))
        .await;
    assert_eq!(ws.json().await["type"], "subscribed");
    api.stop().await;
    match ws.receive().await {
        Received::Closed(frame) => assert_eq!(frame.map(|f| f.0), Some(SERVICE_RESTART)),
        other => panic!("expected a close, got {other:?}"),
    }
}
