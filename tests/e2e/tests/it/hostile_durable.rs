//! NUL characters in the durable mode, where Postgres text cannot hold U+0000: a prompt
//! with one is the user's mistake (422, never "database unavailable" for ever), and a
//! correctly signed webhook whose body carries one (a model's raw logs can) is taken.

use serde_json::{Value, json};

use crate::support::{WEBHOOK_SECRET, user};
use crate::webhooks::post_signed;

#[tokio::test]
async fn nul_characters_are_refused_in_prompts_and_kept_in_webhook_bodies() {
    let api =
        crate::modes::start_durable_with(&[("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET)]).await;
    let alice = user();
    let refused = api
        .create(&alice, json!({ "prompt": "a red\u{0}kite" }))
        .await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_prompt", "{problem}");

    let created = api.create_ok(&alice, json!({ "prompt": "a kite" })).await;
    let id = created["id"].as_str().unwrap();
    let body = json!({
        "id": "p-nul", "status": "processing", "output": null, "error": null,
        "logs": "step 1\u{0}step 2", "input": {}
    });
    let response = post_signed(&api, id, "msg_nul", &body).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let again = post_signed(&api, id, "msg_nul", &body).await;
    let answer: Value = again.json().await.unwrap();
    assert_eq!(answer["status"], "duplicate", "recorded once: {answer}");
}
