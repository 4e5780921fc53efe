//! Postgres goes away under a running api: requests get 503 with `Retry-After`
//! promptly (never a hang, never a 500), and when it comes back the api and its
//! worker loops carry on without a restart.

use std::time::Duration;

use serde_json::json;

use crate::support::{Api, User, eventually_async, user};
use crate::webhooks::post_signed;

#[tokio::test]
async fn a_database_outage_is_a_503_and_the_api_recovers_when_it_returns() {
    let cluster = imagegen_test_support::dedicated_cluster()
        .unwrap_or_else(|e| panic!("this test needs the PostgreSQL server binaries: {e}"));
    let database = imagegen_test_support::database_on(&cluster.admin_url()).await;
    let data = imagegen_test_support::scratch_dir("imagegen-e2e");
    let data = data.to_string_lossy().into_owned();
    let mut api = crate::support::start_with(&[
        ("DATABASE_URL", database.url.as_str()),
        ("IMAGEGEN_DATA_DIR", data.as_str()),
        ("IMAGEGEN_WEBHOOK_SECRETS", crate::support::WEBHOOK_SECRET),
    ])
    .await;
    api.database = Some(database);
    let alice = user();
    let before = api
        .create_ok(&alice, json!({ "prompt": "before the outage" }))
        .await;
    let before_id = before["id"].as_str().unwrap().to_owned();
    // Webhooks that arrive during the outage are the provider's to retry (and the
    // reconciler's to recover); this test is about the api, so let this one finish.
    until_completed(&api, &alice, &before_id).await;
    let ready = |api: &Api| {
        let url = format!("{}/readyz", api.base);
        let http = api.http.clone();
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(ready(&api).await, 200);

    cluster.stop().unwrap();
    assert_eq!(ready(&api).await, 503, "not ready while its store is down");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let refused = http
        .post(format!("{}/v1/generations", api.base))
        .bearer_auth(&alice.token)
        .json(&json!({ "prompt": "during the outage" }))
        .send()
        .await
        .expect("the api must answer while the database is down, not hang");
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "unavailable");
    // A webhook now is the provider's to retry: 503 with Retry-After, nothing kept.
    let update = json!({ "id": "p-outage", "status": "processing", "output": null, "error": null, "input": {} });
    let during = post_signed(&api, &before_id, "msg_outage", &update).await;
    assert_eq!(during.status(), 503);
    assert!(during.headers().contains_key("retry-after"));
    // An event stream cannot start without its resume point: 503 too, not a hang.
    let stream = http
        .get(format!(
            "{}/v1/events?access_token={}",
            api.base, alice.token
        ))
        .send()
        .await
        .expect("the api must answer an event stream while the database is down");
    assert_eq!(stream.status(), 503);
    assert!(stream.headers().contains_key("retry-after"));
    let problem: serde_json::Value = stream.json().await.unwrap();
    assert_eq!(problem["code"], "unavailable");
    // A WebSocket subscribe cannot find its resume point either: `unavailable`.
    let mut socket = crate::ws_client::WsClient::connect(&api.base, &alice.token).await;
    let own = format!("user:{}", alice.id);
    socket
        .send(json!({ "type": "subscribe", "channel": own, "since": 0 }))
        .await;
    let answer = socket.json().await;
    assert_eq!(
        (answer["type"].as_str(), answer["code"].as_str()),
        (Some("error"), Some("unavailable")),
        "{answer}"
    );
    let read = api
        .get(&alice, &format!("/v1/generations/{before_id}"))
        .await;
    assert_eq!(read.status(), 503);

    cluster.start().unwrap();
    // Pooled connections died with the server; the pool replaces them.
    let after = eventually_async("the api to accept generations again", || async {
        let response = api
            .create(&alice, json!({ "prompt": "after the outage" }))
            .await;
        (response.status() == 202).then_some(response)
    })
    .await;
    let after: serde_json::Value = after.json().await.unwrap();
    // The provider's retry of that webhook is recorded now, once.
    let retried: serde_json::Value = post_signed(&api, &before_id, "msg_outage", &update)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        retried["status"], "queued",
        "recorded on the retry: {retried}"
    );
    let again: serde_json::Value = post_signed(&api, &before_id, "msg_outage", &update)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["status"], "duplicate", "and only once: {again}");
    assert_eq!(ready(&api).await, 200, "ready again");
    // The worker loops recovered too: the new generation goes all the way.
    until_completed(&api, &alice, after["id"].as_str().unwrap()).await;
    let read = api.generation(&alice, &before_id).await;
    assert_eq!(read["status"], "completed", "the row survived the outage");
    api.stop().await;
}

async fn until_completed(api: &Api, user: &User, id: &str) {
    eventually_async("the generation to complete", || async {
        let response = api.get(user, &format!("/v1/generations/{id}")).await;
        let body: serde_json::Value = response.json().await.ok()?;
        (body["status"] == "completed").then_some(())
    })
    .await;
}
