//! A WebSocket watches at most 32 channels: the 33rd subscribe is refused with
//! `too_many_channels` and changes nothing; a channel already watched may be asked for
//! again, and one freed by `unsubscribe` makes room.

use serde_json::json;

use crate::support::{start_with, user};
use crate::ws_client::WsClient;

#[tokio::test]
async fn the_33rd_channel_is_refused_and_an_unsubscribe_makes_room() {
    let api = start_with(&[
        ("IMAGEGEN_MAX_IN_FLIGHT", "100"),
        ("IMAGEGEN_CREATE_RATE_PER_MINUTE", "1000"),
    ])
    .await;
    let alice = user();
    let mut channels = vec![format!("user:{}", alice.id)];
    for n in 0..31 {
        let created = api
            .create_ok(&alice, json!({ "prompt": format!("channel {n}") }))
            .await;
        channels.push(format!("generation:{}", created["id"].as_str().unwrap()));
    }
    let mut socket = WsClient::connect(&api.base, &alice.token).await;
    for channel in &channels {
        socket
            .send(json!({ "type": "subscribe", "channel": channel, "since": 0 }))
            .await;
        let answer = until_reply(&mut socket).await;
        assert_eq!(answer["type"], "subscribed", "{channel}: {answer}");
    }
    socket
        .send(json!({ "type": "subscribe", "channel": "system" }))
        .await;
    let refused = until_reply(&mut socket).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["code"], "too_many_channels", "{refused}");
    assert_eq!(refused["channel"], "system");

    // Asking again for one it watches is no 33rd channel.
    socket
        .send(json!({ "type": "subscribe", "channel": channels[0] }))
        .await;
    assert_eq!(until_reply(&mut socket).await["type"], "subscribed");
    socket
        .send(json!({ "type": "unsubscribe", "channel": channels[1] }))
        .await;
    assert_eq!(until_reply(&mut socket).await["type"], "unsubscribed");
    socket
        .send(json!({ "type": "subscribe", "channel": "system" }))
        .await;
    assert_eq!(until_reply(&mut socket).await["type"], "subscribed");
}

/// The next answer to a command, past the events and presence changes the
/// subscriptions deliver.
async fn until_reply(socket: &mut WsClient) -> serde_json::Value {
    loop {
        let message = socket.json().await;
        if !["event", "join", "leave"].contains(&message["type"].as_str().unwrap_or("")) {
            return message;
        }
    }
}
