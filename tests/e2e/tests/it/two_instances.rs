//! Two api processes' worth of instances on one database (the durable mode behind a
//! load balancer): a generation created through one is pushed, every event once, to a
//! client connected to the other, and reads the same through both.

use serde_json::json;

use crate::support::{assert_once_in_order, start_with, until, user};

#[tokio::test]
async fn a_client_on_one_instance_sees_the_events_of_a_generation_made_on_another() {
    let database = imagegen_test_support::postgres().await;
    // Images live on storage both instances share, as on a shared volume.
    let data = imagegen_test_support::scratch_dir("imagegen-two");
    let data = data.to_string_lossy().into_owned();
    let vars = [
        ("DATABASE_URL", database.url.as_str()),
        ("IMAGEGEN_DATA_DIR", data.as_str()),
    ];
    let (first, second) = (start_with(&vars).await, start_with(&vars).await);
    let alice = user();
    let mut on_second = second.watch_user(&alice).await;

    // Several generations, so that both instances' relays have events to race over.
    let mut ids = Vec::new();
    for n in 0..5 {
        let body = json!({ "prompt": format!("seen elsewhere {n}") });
        let created = first.create_ok(&alice, body).await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    for _ in &ids {
        seen.extend(until(&mut on_second, "GenerationCompleted").await);
    }
    for id in &ids {
        assert_once_in_order(&seen, id);
    }
    let id = ids[0].as_str();

    let (a, b) = (
        first.generation(&alice, id).await,
        second.generation(&alice, id).await,
    );
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some("completed"), Some("completed"))
    );
    assert_eq!(a["images"][0]["id"], b["images"][0]["id"]);
    // The image copied by whichever instance ran the job is served by both.
    for image in [&a["images"][0], &b["images"][0]] {
        let response = first
            .http
            .get(image["url"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.bytes().await.unwrap().len() as u64,
            image["bytes"].as_u64().unwrap()
        );
    }
    first.stop().await;
    second.stop().await;
}
