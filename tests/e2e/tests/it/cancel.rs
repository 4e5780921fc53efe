//! `POST /v1/generations/{id}/cancel`: the owner (or an admin) cancels; the move is
//! pushed, the provider is told, and cancelling again changes nothing; others cannot.

use serde_json::{Value, json};

use crate::support::{Api, User, eventually, start, start_with, until, user};
use crate::tokens::colleague_of;

async fn cancel(api: &Api, who: &User, id: &str) -> reqwest::Response {
    api.http
        .post(format!("{}/v1/generations/{id}/cancel", api.base))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_owner_cancels_a_running_generation_once_and_the_provider_is_told() {
    let api = start_with(&[("IMAGEGEN_SIM_RUN_MS", "30000")]).await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api.create_ok(&alice, json!({ "prompt": "too slow" })).await;
    let id = created["id"].as_str().unwrap().to_owned();
    until(&mut events, "GenerationStarted").await;

    assert_eq!(cancel(&api, &user(), &id).await.status(), 404, "a stranger");
    assert_eq!(
        cancel(&api, &colleague_of(&alice), &id).await.status(),
        403,
        "a colleague"
    );
    let cancelled = cancel(&api, &alice, &id).await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(
        cancelled.json::<Value>().await.unwrap()["status"],
        "cancelled"
    );
    let pushed = until(&mut events, "GenerationCancelled").await;
    assert_eq!(pushed.last().unwrap().data["aggregate_id"], id.as_str());
    let again = cancel(&api, &alice, &id).await;
    assert_eq!(again.status(), 200, "cancelling again is a no-op");
    assert_eq!(
        again.json::<Value>().await.unwrap()["version"],
        api.generation(&alice, &id).await["version"]
    );
    eventually("the provider told to cancel", || {
        api.sim().stats().cancels == 1
    })
    .await;
    let calls = crate::admin_providers::provider_calls(&api, "simulator").await;
    assert_eq!(calls["cancel"], 1, "counted as a cancel: {calls}");
}

#[tokio::test]
async fn a_completed_generation_cannot_be_cancelled() {
    let api = start().await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let created = api
        .create_ok(&alice, json!({ "prompt": "done already" }))
        .await;
    let id = created["id"].as_str().unwrap();
    until(&mut events, "GenerationCompleted").await;
    let refused = cancel(&api, &alice, id).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(api.generation(&alice, id).await["status"], "completed");
}
