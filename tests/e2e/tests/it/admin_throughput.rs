//! `GET /admin/queues` shows each queue's throughput: jobs completed per second over
//! the last minute, measured from the queues' own completed counters.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::admin_concurrency::shown;
use crate::support::{Api, start_with_secret, user};
use crate::waiting::eventually_async;

async fn throughput(api: &Api, token: &str, queue: &str) -> Value {
    shown(api, token, queue, "throughput_per_sec").await
}

#[tokio::test]
async fn the_overview_shows_jobs_completed_per_second() {
    let api = start_with_secret().await;
    let token = admin_token();
    let idle = throughput(&api, &token, "provider-submissions").await;
    assert!(idle.is_null() || idle == 0.0, "nothing has run yet: {idle}");

    let alice = user();
    for n in 0..5 {
        api.create_ok(&alice, json!({ "prompt": format!("counted {n}") }))
            .await;
    }
    let rate = eventually_async("provider submissions counted as throughput", || async {
        throughput(&api, &token, "provider-submissions")
            .await
            .as_f64()
            .filter(|&rate| rate > 0.0)
    })
    .await;
    // Five submissions over at most a minute of samples.
    assert!(rate <= 5.0, "at most five jobs per second: {rate}");
    // No generation asked for a callback: that queue did nothing.
    let quiet = throughput(&api, &token, "user-notifications").await;
    assert!(quiet.is_null() || quiet == 0.0, "{quiet}");
}
