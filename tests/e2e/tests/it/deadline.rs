//! `settings.deadline_seconds`: the provider is asked to stop the generation then
//! (Replicate's `Cancel-After`), and a generation still running at its deadline ends
//! `cancelled`, without our calling cancel; out-of-range deadlines are refused.

use serde_json::{Value, json};

use crate::support::{start_with, until, user};

#[tokio::test]
async fn a_generation_still_running_at_its_deadline_is_cancelled_by_the_provider() {
    let api = start_with(&[("IMAGEGEN_SIM_RUN_MS", "60000")]).await;
    let alice = user();
    let mut events = api.watch_user(&alice).await;
    let body = json!({ "prompt": "slow", "settings": { "deadline_seconds": 5 } });
    let created = api.create_ok(&alice, body).await;
    assert_eq!(created["settings"]["deadline_seconds"], 5);
    let id = created["id"].as_str().unwrap();

    let seen = until(&mut events, "GenerationCancelled").await;
    assert_eq!(seen.last().unwrap().data["aggregate_id"], id);
    assert_eq!(api.generation(&alice, id).await["status"], "cancelled");
    let stats = api.sim().stats();
    assert_eq!(
        stats.cancels, 0,
        "the provider stopped it itself: {stats:?}"
    );

    for bad in [4, 86_401] {
        let refused = api
            .create(
                &alice,
                json!({ "prompt": "x", "settings": { "deadline_seconds": bad } }),
            )
            .await;
        assert_eq!(refused.status(), 422, "{bad}");
        let problem: Value = refused.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("deadline"),
            "{problem}"
        );
    }
}
