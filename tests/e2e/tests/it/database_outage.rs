//! Postgres goes away under a running api: requests get 503 with `Retry-After`
//! promptly (never a hang, never a 500), and when it comes back the api and its
//! worker loops carry on without a restart.

use std::time::Duration;

use serde_json::json;

use crate::modes::start_durable_on;
use crate::support::{Api, User, eventually_async, user};

#[tokio::test]
async fn a_database_outage_is_a_503_and_the_api_recovers_when_it_returns() {
    let cluster = imagegen_test_support::dedicated_cluster()
        .unwrap_or_else(|e| panic!("this test needs the PostgreSQL server binaries: {e}"));
    let database = imagegen_test_support::database_on(&cluster.admin_url()).await;
    let api = start_durable_on(database).await;
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
