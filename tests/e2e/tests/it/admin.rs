//! The admin api over HTTP: admins pause and resume a queue and retry dead letters;
//! everyone else gets 403.

use imagegen_application::{Caller, Role};
use imagegen_bootstrap::JwtCodec;
use imagegen_domain::{OrganizationId, UserId};
use serde_json::json;

use crate::support::{Api, SECRET, eventually_async, start_with_secret, user};

pub(crate) fn admin_token() -> String {
    let caller = Caller {
        user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
        organization_id: OrganizationId::from_uuid(uuid::Uuid::new_v4()),
        role: Role::Admin,
    };
    JwtCodec::new(SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap()
}

async fn admin(api: &Api, method: reqwest::Method, path: &str, token: &str) -> reqwest::Response {
    api.http
        .request(method, format!("{}{path}", api.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn status_of(api: &Api, user: &crate::support::User, id: &str) -> String {
    api.generation(user, id).await["status"]
        .as_str()
        .unwrap_or("?")
        .to_owned()
}

#[tokio::test]
async fn an_admin_pauses_and_resumes_a_queue_and_others_are_forbidden() {
    let api = start_with_secret().await;
    let alice = user();
    let refused = admin(&api, reqwest::Method::GET, "/admin/queues", &alice.token).await;
    assert_eq!(refused.status(), 403);
    let token = admin_token();
    let paused = admin(
        &api,
        reqwest::Method::POST,
        "/admin/queues/image-processing/pause",
        &token,
    )
    .await;
    assert_eq!(paused.status(), 204);

    let created = api
        .create_ok(&alice, json!({ "prompt": "held back" }))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    // The copy job waits on the paused queue: the generation stays storing.
    eventually_async("the copy job waiting on the paused queue", || async {
        let overview: serde_json::Value =
            admin(&api, reqwest::Method::GET, "/admin/queues", &token)
                .await
                .json()
                .await
                .ok()?;
        let queue = overview["queues"]
            .as_array()?
            .iter()
            .find(|q| q["name"] == "image-processing")?
            .clone();
        (queue["paused"] == true && queue["waiting"] == 1).then_some(())
    })
    .await;
    assert_eq!(status_of(&api, &alice, &id).await, "storing");

    let resumed = admin(
        &api,
        reqwest::Method::POST,
        "/admin/queues/image-processing/resume",
        &token,
    )
    .await;
    assert_eq!(resumed.status(), 204);
    eventually_async("the generation to complete", || async {
        (status_of(&api, &alice, &id).await == "completed").then_some(())
    })
    .await;
    api.stop().await;
}

/// The dead letters of `generation-webhooks`, as the admin api lists them.
async fn dead_webhook_jobs(api: &Api, token: &str) -> Option<Vec<serde_json::Value>> {
    let path = "/admin/queues/generation-webhooks/dead";
    let listed: serde_json::Value = admin(api, reqwest::Method::GET, path, token)
        .await
        .json()
        .await
        .ok()?;
    listed["dead"].as_array().cloned()
}

#[tokio::test]
async fn an_admin_lists_and_retries_dead_letters() {
    let api = start_with_secret().await;
    let token = admin_token();
    // A signed webhook for a generation we never made dies on its first attempt.
    let unknown = uuid::Uuid::now_v7().to_string();
    let body = json!({ "id": "p", "status": "processing" });
    crate::webhooks::post_signed(&api, &unknown, "msg_dead", &body).await;
    let dead = eventually_async("a dead letter", || async {
        dead_webhook_jobs(&api, &token).await?.first().cloned()
    })
    .await;
    let id = dead["id"].as_str().unwrap();
    let first_death = dead["failed_at"].as_str().unwrap().to_owned();
    let path = format!("/admin/queues/generation-webhooks/dead/{id}/retry");
    assert_eq!(
        admin(&api, reqwest::Method::POST, &path, &token)
            .await
            .status(),
        202
    );
    // It ran again (and, its generation still unknown, died again, later).
    eventually_async("the retried job to run again", || async {
        let later = dead_webhook_jobs(&api, &token).await?.iter().any(|d| {
            d["failed_at"]
                .as_str()
                .is_some_and(|at| at > first_death.as_str())
        });
        later.then_some(())
    })
    .await;
    let missing = format!(
        "/admin/queues/generation-webhooks/dead/{}/retry",
        uuid::Uuid::now_v7()
    );
    assert_eq!(
        admin(&api, reqwest::Method::POST, &missing, &token)
            .await
            .status(),
        404
    );
    let unknown_queue = admin(
        &api,
        reqwest::Method::GET,
        "/admin/queues/nope/dead",
        &token,
    )
    .await;
    assert_eq!(unknown_queue.status(), 404);
    api.stop().await;
}
