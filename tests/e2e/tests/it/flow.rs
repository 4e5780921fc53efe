//! A prompt becomes a stored PNG, with every status change pushed over SSE.

use serde_json::json;

use crate::modes::start_durable;
use crate::support::{Api, start, until, user};

#[tokio::test]
async fn a_prompt_becomes_a_stored_png_with_every_change_pushed_over_sse() {
    prompt_to_png(start().await).await;
}

#[tokio::test]
async fn in_durable_mode_a_prompt_becomes_a_stored_png_with_every_change_pushed() {
    prompt_to_png(start_durable().await).await;
}

async fn prompt_to_png(api: Api) {
    let alice = user();
    let mut events = api.watch_user(&alice).await;

    let response = api
        .create(&alice, json!({ "prompt": "a lighthouse at dusk", "settings": { "size": "320x240", "seed": 42 } }))
        .await;
    assert_eq!(response.status(), 202);
    let created: serde_json::Value = response.json().await.unwrap();
    assert_eq!(created["status"], "pending");
    let id = created["id"].as_str().unwrap().to_owned();

    let seen = until(&mut events, "GenerationCompleted").await;
    let types: Vec<_> = seen.iter().map(|m| m.event.as_str()).collect();
    assert_eq!(
        types,
        [
            "GenerationStarted",
            "GenerationStatusChanged",
            "GenerationStatusChanged",
            "GenerationCompleted"
        ]
    );
    let statuses: Vec<_> = seen
        .iter()
        .map(|m| m.data["payload"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["starting", "processing", "storing", "completed"]);
    for (index, message) in seen.iter().enumerate() {
        assert_eq!(message.data["aggregate_id"], id.as_str());
        assert_eq!(message.data["sequence"], index as u64 + 1);
        assert_eq!(message.data["user_id"], alice.id.to_string());
        assert_eq!(message.data["organization_id"], alice.org.to_string());
        assert_eq!(message.data["event_type"], message.event.as_str());
        assert_eq!(message.data["schema_version"], 1);
        assert!(
            message.id.parse::<u64>().is_ok(),
            "id is a stream position: {}",
            message.id
        );
    }

    let generation = api.generation(&alice, &id).await;
    assert_eq!(generation["status"], "completed");
    let image = &generation["images"][0];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(320), Some(240))
    );
    let served = api
        .http
        .get(image["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let png = served.bytes().await.unwrap();
    assert_eq!(png.len() as u64, image["bytes"].as_u64().unwrap());
    let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (320, 240));

    // The happy path made exactly one provider call and never polled.
    let stats = api.sim().stats();
    assert_eq!((stats.creates, stats.gets, stats.file_reads), (1, 0, 1));
    api.stop().await;
}

#[tokio::test]
async fn a_client_resuming_with_last_event_id_gets_only_what_it_missed() {
    resume_after_disconnect(start().await).await;
}

#[tokio::test]
async fn in_durable_mode_a_resuming_client_gets_only_what_it_missed() {
    resume_after_disconnect(start_durable().await).await;
}

async fn resume_after_disconnect(api: Api) {
    let bob = user();
    let mut live = api.watch_user(&bob).await;
    let created = api.create_ok(&bob, json!({ "prompt": "a fox" })).await;
    let id = created["id"].as_str().unwrap();
    let all = until(&mut live, "GenerationCompleted").await;

    let query = format!("channel=generation:{id}&access_token={}", bob.token);
    let mut resumed = api.events(&query, Some(&all[1].id)).await;
    let missed = until(&mut resumed, "GenerationCompleted").await;
    let ids: Vec<_> = missed.iter().map(|m| m.id.clone()).collect();
    let expected: Vec<_> = all[2..].iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, expected);
    api.stop().await;
}

#[tokio::test]
async fn watching_someone_elses_channels_is_forbidden() {
    let api = start().await;
    let (alice, mallory) = (user(), user());
    let created = api.create_ok(&alice, json!({ "prompt": "private" })).await;
    let id = created["id"].as_str().unwrap();
    for channel in [
        format!("user:{}", alice.id),
        format!("organization:{}", alice.org),
        format!("generation:{id}"),
    ] {
        let response = api
            .get(&mallory, &format!("/v1/events?channel={channel}"))
            .await;
        assert_eq!(response.status(), 403, "{channel}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    assert_eq!(
        api.get(&mallory, &format!("/v1/generations/{id}"))
            .await
            .status(),
        404
    );
    api.stop().await;
}

#[tokio::test]
async fn the_image_depends_on_the_prompt_and_the_seed() {
    let api = start().await;
    let dana = user();
    let mut events = api.watch_user(&dana).await;
    let mut ids = Vec::new();
    for (prompt, seed) in [
        ("a red fox", 7),
        ("a red fox", 7),
        ("a blue whale", 7),
        ("a red fox", 8),
    ] {
        let body = json!({ "prompt": prompt, "settings": { "size": "64x64", "seed": seed } });
        ids.push(
            api.create_ok(&dana, body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut completed = 0;
    while completed < ids.len() {
        until(&mut events, "GenerationCompleted").await;
        completed += 1;
    }
    let mut images = Vec::new();
    for id in &ids {
        let generation = api.generation(&dana, id).await;
        let url = generation["images"][0]["url"].as_str().unwrap().to_owned();
        images.push(
            api.http
                .get(url)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap(),
        );
    }
    assert_eq!(images[0], images[1], "same prompt and seed, same image");
    assert_ne!(images[0], images[2], "another prompt, another image");
    assert_ne!(images[0], images[3], "another seed, another image");
    api.stop().await;
}
