//! Waiting for the end: every generation's, and a condition over what clients hold.

use std::collections::BTreeMap;
use std::time::Duration;

pub async fn until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until every generation has ended; its version and status.
pub async fn every_end(
    balancer: &str,
    users: &[(String, String)],
    generations: &BTreeMap<String, usize>,
) -> BTreeMap<String, (u64, String)> {
    let http = reqwest::Client::new();
    let mut ended = BTreeMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    for (id, user) in generations {
        loop {
            let answer = http
                .get(format!("{balancer}/v1/generations/{id}"))
                .bearer_auth(&users[*user].0)
                .send()
                .await;
            if let Ok(answer) = answer
                && answer.status() == 200
            {
                let body: serde_json::Value = answer.json().await.unwrap_or_default();
                let status = body["status"].as_str().unwrap_or_default().to_owned();
                if matches!(status.as_str(), "completed" | "failed" | "cancelled") {
                    ended.insert(id.clone(), (body["version"].as_u64().unwrap_or(0), status));
                    break;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "generation {id} did not end"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    ended
}
