//! What a hostile or careless sender can do, each refused plainly and changing
//! nothing: tokens in odd spellings or with no end, two idempotency keys, NUL
//! characters, out-of-range pages, more streams than a user's share, and WebSocket
//! messages that are too big or not UTF-8.

use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{SECRET, start, start_with, user};
use crate::ws_client::{Received, WsClient};

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_a_bad_header_never_falls_back_to_the_query() {
    let api = start().await;
    let (alice, bob) = (user(), user());
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = api
            .http
            .get(format!("{}/v1/generations", api.base))
            .header("authorization", format!("{scheme} {}", alice.token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
    // A header that does not parse is a 401, whatever token the query carries.
    for header in ["bearer", "Basic abc", "bearer not-a-token"] {
        let response = api
            .http
            .get(format!(
                "{}/v1/generations?access_token={}",
                api.base, bob.token
            ))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{header}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "unauthorized");
    }
}

#[tokio::test]
async fn a_token_valid_for_years_is_refused() {
    let api = start().await;
    let who = user();
    let caller = imagegen_application::Caller {
        user_id: imagegen_domain::UserId::from_uuid(who.id),
        organization_id: imagegen_domain::OrganizationId::from_uuid(who.org),
        role: imagegen_application::Role::User,
    };
    let codec = imagegen_bootstrap::JwtCodec::new(SECRET.as_bytes());
    let ten_years = codec.issue(&caller, chrono::Duration::days(3650)).unwrap();
    let response = api
        .http
        .get(format!("{}/v1/generations", api.base))
        .bearer_auth(ten_years)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn two_idempotency_keys_are_refused_and_nothing_is_created() {
    let api = start().await;
    let alice = user();
    let response = api
        .http
        .post(format!("{}/v1/generations", api.base))
        .bearer_auth(&alice.token)
        .header("idempotency-key", "one")
        .header("idempotency-key", "two")
        .json(&json!({ "prompt": "twice keyed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let listed: Value = api
        .get(&alice, "/v1/generations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(0),
        "{listed}"
    );
}

#[tokio::test]
async fn a_nul_character_in_user_text_is_refused_with_422() {
    let api = start().await;
    let alice = user();
    for body in [
        json!({ "prompt": "a red\u{0}kite" }),
        json!({ "prompt": "a kite", "settings": { "negative_prompt": "blur\u{0}" } }),
    ] {
        let response = api.create(&alice, body.clone()).await;
        assert_eq!(response.status(), 422, "{body}");
    }
}

#[tokio::test]
async fn the_poll_page_and_the_list_answer_a_bad_limit_alike() {
    let api = start().await;
    let alice = user();
    for path in ["/v1/generations?limit=", "/v1/events/poll?limit="] {
        let zero = api.get(&alice, &format!("{path}0")).await;
        assert_eq!(zero.status(), 422, "{path}0");
        let word = api.get(&alice, &format!("{path}many")).await;
        assert_eq!(word.status(), 400, "{path}many");
        let problem: Value = word.json().await.unwrap();
        assert_eq!(problem["code"], "malformed_query", "{path}");
    }
}

#[tokio::test]
async fn one_user_cannot_hold_every_stream_of_an_instance() {
    let api = start_with(&[("IMAGEGEN_MAX_CONNECTIONS_PER_USER", "2")]).await;
    let (alice, bob) = (user(), user());
    let _first = api.watch_user(&alice).await;
    let _second = api.watch_user(&alice).await;
    let third = api
        .http
        .get(format!(
            "{}/v1/events?access_token={}",
            api.base, alice.token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    let socket = tokio_tungstenite::connect_async(format!(
        "{}/v1/ws?access_token={}",
        api.base.replace("http://", "ws://"),
        alice.token
    ))
    .await;
    assert!(socket.is_err(), "the WebSocket is refused too");
    let _bob = api.watch_user(&bob).await;
}

#[tokio::test]
async fn websocket_input_too_big_or_not_utf8_is_closed_with_its_code() {
    let api = start().await;
    let alice = user();
    let mut big = WsClient::connect(&api.base, &alice.token).await;
    big.send(json!({ "type": "ping", "pad": "x".repeat(20 * 1024) }))
        .await;
    assert_eq!(big.close_code().await, Some(1009));

    let url = format!(
        "{}/v1/ws?access_token={}",
        api.base.replace("http://", "ws://"),
        alice.token
    );
    let (mut raw, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    // A text frame whose bytes are not UTF-8, sent as the frame it claims to be.
    let frame = tokio_tungstenite::tungstenite::protocol::frame::Frame::message(
        vec![0xff, 0xfe, 0xfd],
        tokio_tungstenite::tungstenite::protocol::frame::coding::OpCode::Data(
            tokio_tungstenite::tungstenite::protocol::frame::coding::Data::Text,
        ),
        true,
    );
    raw.send(Message::Frame(frame)).await.unwrap();
    let mut client = WsClient::from_socket(raw);
    match client.receive().await {
        Received::Closed(Some((code, _))) => assert_eq!(code, 1007),
        other => panic!("expected close 1007, got {other:?}"),
    }
}
