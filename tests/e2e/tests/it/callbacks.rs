//! `settings.callback_url`: when a generation finishes, its user's endpoint gets one
//! signed notice (Standard Webhooks) with the images' URLs; a 5xx answer is retried with
//! the same notice id.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use imagegen_webhooks::{SignedHeaders, Verifier, WebhookSecret};
use serde_json::{Value, json};

use crate::support::{eventually, start_with, user};

const CALLBACK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiver got: (webhook-id, webhook-timestamp, webhook-signature, body).
type Received = Arc<Mutex<Vec<(String, String, String, Vec<u8>)>>>;

/// A user's endpoint that answers 503 to the first delivery and 204 after.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hooks/imagegen",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                let mut log = log.lock().unwrap();
                log.push((
                    header("webhook-id"),
                    header("webhook-timestamp"),
                    header("webhook-signature"),
                    body.to_vec(),
                ));
                if log.len() == 1 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/imagegen", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

#[tokio::test]
async fn a_finished_generation_posts_one_signed_notice_to_its_callback_url() {
    let (url, received) = receiver().await;
    // The receiver is on loopback: opened for callbacks by their own flag.
    let api = start_with(&[
        ("IMAGEGEN_CALLBACK_SECRET", CALLBACK_SECRET),
        ("IMAGEGEN_CALLBACK_ALLOW_PRIVATE", "true"),
    ])
    .await;
    let alice = user();
    let created = api
        .create_ok(
            &alice,
            json!({ "prompt": "a red kite", "settings": { "callback_url": url } }),
        )
        .await;
    assert_eq!(created["settings"]["callback_url"], url.as_str());
    let id = created["id"].as_str().unwrap().to_owned();
    eventually("the notice, retried after a 503", || {
        received.lock().unwrap().len() >= 2
    })
    .await;

    let received_now = received.lock().unwrap().clone();
    let (first, second) = (&received_now[0], &received_now[1]);
    assert_eq!(first.0, second.0, "a retry keeps the notice id");
    assert_eq!(second.0, format!("{id}.completed"));
    let verifier = Verifier::new(vec![WebhookSecret::parse(CALLBACK_SECRET).unwrap()]);
    let headers = SignedHeaders {
        id: &second.0,
        timestamp: &second.1,
        signature: &second.2,
    };
    verifier
        .verify(headers, &second.3, chrono::Utc::now().timestamp())
        .expect("signed with the callback secret");
    let notice: Value = serde_json::from_slice(&second.3).unwrap();
    assert_eq!(notice["type"], "generation.completed");
    assert_eq!(notice["data"]["id"], id.as_str());
    let image_url = notice["data"]["images"][0]["url"].as_str().unwrap();
    assert!(
        image_url.starts_with(&format!("{}/v1/images/", api.base)),
        "{image_url}"
    );
    let image = api
        .http
        .get(image_url)
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        image.status(),
        200,
        "the notice's image URL serves the image"
    );
    // The 204 ended it: no notice job is left to retry, and no third delivery came.
    use imagegen_application::ports::QueueName;
    crate::support::eventually_async("the notice job settled", || async {
        let stats = api.queue_stats(QueueName::UserNotifications).await;
        (stats.waiting + stats.delayed + stats.active == 0).then_some(())
    })
    .await;
    assert_eq!(received.lock().unwrap().len(), 2, "a 204 stops the retries");
}

#[tokio::test]
async fn a_callback_url_that_is_not_http_is_refused_and_nothing_is_created() {
    let api = start_with(&[]).await;
    let alice = user();
    let refused = api
        .create(
            &alice,
            json!({ "prompt": "x", "settings": { "callback_url": "file:///etc/passwd" } }),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("callback_url"),
        "{problem}"
    );
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
async fn callback_urls_naming_inside_addresses_are_refused_even_where_fetches_may_go_inside() {
    // The embedded mode's in-process simulator opens image fetches to loopback; that
    // must never open callbacks.
    let api = start_with(&[("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true")]).await;
    let alice = user();
    for inside in [
        "http://127.0.0.1:9/x",
        "http://127.1/x",
        "http://2130706433/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/x",
        "http://localhost:8080/x",
    ] {
        let refused = api
            .create(
                &alice,
                json!({ "prompt": "x", "settings": { "callback_url": inside } }),
            )
            .await;
        assert_eq!(refused.status(), 422, "{inside}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["code"], "invalid_settings", "{inside}: {problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("inside address"),
            "{problem}"
        );
    }
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
