//! Presence on organization channels across two api instances (the Redis registry and
//! bus): joins and leaves reach WebSocket watchers on the other instance, and
//! `GET /v1/channels/{channel}/presence` lists who is there, to members only.

use serde_json::{Value, json};

use crate::support::{Api, User, user};
use crate::tokens::colleague_of;
use crate::ws_client::WsClient;

async fn present(api: &Api, who: &User, channel: &str) -> reqwest::Response {
    api.http
        .get(format!("{}/v1/channels/{channel}/presence", api.base))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap()
}

fn users(listing: &Value) -> Vec<String> {
    let mut users: Vec<String> = listing["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect();
    users.sort();
    users
}

#[tokio::test]
async fn joins_and_leaves_reach_watchers_on_every_instance() {
    let (first, second) = crate::modes::two_apis().await;
    joins_and_leaves_reach_both(&first, &second).await;
}

/// The durable mode carries presence through Postgres instead of Redis.
#[tokio::test]
async fn joins_and_leaves_reach_watchers_on_every_instance_without_redis() {
    let (first, second) = crate::modes::two_durable_apis().await;
    joins_and_leaves_reach_both(&first, &second).await;
}

async fn joins_and_leaves_reach_both(first: &Api, second: &Api) {
    let alice = user();
    let carol = colleague_of(&alice);
    let channel = format!("organization:{}", alice.org);

    let mut watching = WsClient::connect(&first.base, &alice.token).await;
    watching
        .send(json!({ "type": "subscribe", "channel": channel }))
        .await;
    assert_eq!(watching.json().await["type"], "subscribed");
    let own = watching.json().await;
    assert_eq!(
        (own["type"].as_str(), own["user_id"].as_str()),
        (Some("join"), Some(alice.id.to_string().as_str()))
    );

    let mut joining = WsClient::connect(&second.base, &carol.token).await;
    joining
        .send(json!({ "type": "subscribe", "channel": channel }))
        .await;
    // Alice's join may reach the second instance after Carol subscribed there (it
    // travels between instances as she connects): Carol may see it, once, or not.
    let (alice_id, mut seen) = (alice.id.to_string(), 0);
    assert_eq!(
        past_join_of(&mut joining, (&alice_id, &mut seen)).await["type"],
        "subscribed"
    );
    let own = past_join_of(&mut joining, (&alice_id, &mut seen)).await;
    assert_eq!(
        (own["type"].as_str(), own["user_id"].as_str()),
        (Some("join"), Some(carol.id.to_string().as_str())),
        "her own join"
    );
    let joined = watching.json().await;
    assert_eq!(
        joined,
        json!({ "type": "join", "channel": channel, "user_id": carol.id.to_string() })
    );

    let listing: Value = present(first, &alice, &channel).await.json().await.unwrap();
    let mut both = vec![alice.id.to_string(), carol.id.to_string()];
    both.sort();
    assert_eq!(users(&listing), both, "{listing}");
    assert_eq!(present(second, &user(), &channel).await.status(), 403);
    assert_eq!(present(first, &alice, "system").await.status(), 422);

    joining
        .send(json!({ "type": "unsubscribe", "channel": channel }))
        .await;
    assert_eq!(
        past_join_of(&mut joining, (&alice_id, &mut seen)).await["type"],
        "unsubscribed"
    );
    let left = watching.json().await;
    assert_eq!(
        left,
        json!({ "type": "leave", "channel": channel, "user_id": carol.id.to_string() })
    );
    let listing: Value = present(second, &carol, &channel)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users(&listing), vec![alice.id.to_string()]);
}

/// The next message, past a join of `user`; `seen` counts those joins, which may
/// come once at most.
async fn past_join_of(client: &mut WsClient, (user, seen): (&str, &mut u32)) -> Value {
    loop {
        let message = client.json().await;
        if message["type"] == "join" && message["user_id"] == user {
            *seen += 1;
            assert_eq!(*seen, 1, "a join seen twice");
            continue;
        }
        return message;
    }
}

/// One user on two connections is one member: a `join` when the first arrives, a
/// `leave` only when the last goes, while the listing shows them in between.
#[tokio::test]
async fn join_and_leave_are_per_user_not_per_connection() {
    let api = crate::support::start().await;
    let alice = user();
    let carol = colleague_of(&alice);
    let channel = format!("organization:{}", alice.org);
    let subscribe = json!({ "type": "subscribe", "channel": channel });
    let mut watching = WsClient::connect(&api.base, &alice.token).await;
    watching.send(subscribe.clone()).await;
    assert_eq!(watching.json().await["type"], "subscribed");
    assert_eq!(watching.json().await["type"], "join", "her own join");

    let mut first = WsClient::connect(&api.base, &carol.token).await;
    first.send(subscribe.clone()).await;
    assert_eq!(watching.json().await["user_id"], carol.id.to_string());
    let mut second = WsClient::connect(&api.base, &carol.token).await;
    second.send(subscribe.clone()).await;
    assert_eq!(second.json().await["type"], "subscribed");
    drop(first);
    // The first connection's end is no leave: Carol is listed with one connection.
    crate::support::eventually_async("Carol on one connection", || async {
        let listed: Value = present(&api, &alice, &channel).await.json().await.ok()?;
        let carol_there = listed["members"]
            .as_array()?
            .iter()
            .find(|m| m["user_id"] == carol.id.to_string())?;
        (carol_there["connections"] == 1).then_some(())
    })
    .await;
    // So the next thing Alice hears is Carol's leave, when her last connection goes.
    drop(second);
    let next = watching.json().await;
    assert_eq!(
        next,
        json!({ "type": "leave", "channel": channel, "user_id": carol.id.to_string() })
    );
    let listed: Value = present(&api, &alice, &channel).await.json().await.unwrap();
    assert_eq!(users(&listed), vec![alice.id.to_string()]);
}
