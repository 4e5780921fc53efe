//! Starting the api in the modes that keep state: durable (Postgres) and distributed
//! (Postgres and Redis, with a separate worker).

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::support::{Api, start_with};

/// Starts the api in the durable mode, on a fresh Postgres database.
pub async fn start_durable() -> Api {
    start_durable_on(imagegen_test_support::postgres().await).await
}

/// Starts the api in the durable mode on `database`.
pub async fn start_durable_on(database: imagegen_test_support::TestDatabase) -> Api {
    durable_with(database, &[]).await
}

/// Starts the api in the durable mode on a fresh database, with `extra` variables.
pub async fn start_durable_with(extra: &[(&str, &str)]) -> Api {
    durable_with(imagegen_test_support::postgres().await, extra).await
}

async fn durable_with(
    database: imagegen_test_support::TestDatabase,
    extra: &[(&str, &str)],
) -> Api {
    // Files go to a scratch directory (`start_with`'s own, removed at exit).
    let mut vars = vec![("DATABASE_URL", database.url.as_str())];
    vars.extend_from_slice(extra);
    let mut api = start_with(&vars).await;
    api.database = Some(database);
    api
}

/// The api in the distributed mode (no worker loops of its own) and one worker, in this
/// process, on a fresh database and Redis prefix; the worker's simulator sends its
/// webhooks to the api.
pub async fn start_distributed() -> (Api, JoinSet<()>, CancellationToken) {
    start_distributed_on(&imagegen_test_support::redis(), 200).await
}

/// As [`start_distributed`], on `redis`, with predictions that run `run_ms`.
pub async fn start_distributed_on(
    redis: &imagegen_test_support::TestRedis,
    run_ms: u64,
) -> (Api, JoinSet<()>, CancellationToken) {
    let database = imagegen_test_support::postgres().await;
    let data = imagegen_test_support::scratch_dir("imagegen-dist");
    let data = data.to_string_lossy().into_owned();
    let shared = [
        ("DATABASE_URL", database.url.as_str()),
        ("REDIS_URL", redis.url.as_str()),
        ("IMAGEGEN_REDIS_PREFIX", redis.prefix.as_str()),
        ("IMAGEGEN_DATA_DIR", data.as_str()),
        ("IMAGEGEN_WEBHOOK_SECRETS", crate::support::WEBHOOK_SECRET),
    ];
    let mut api = start_with(&shared).await;
    let mut worker_vars: Vec<(String, String)> = shared
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    worker_vars.push(("IMAGEGEN_PUBLIC_BASE_URL".into(), api.base.clone()));
    worker_vars.push(("IMAGEGEN_SIM_START_DELAY_MS".into(), "100".into()));
    worker_vars.push(("IMAGEGEN_SIM_RUN_MS".into(), run_ms.to_string()));
    // Jobs whose settling was cut off come back after 2 s instead of 30.
    worker_vars.push(("IMAGEGEN_JOB_LEASE_SECS".into(), "2".into()));
    let config = imagegen_bootstrap::Config::from_vars(worker_vars).unwrap();
    let stop = CancellationToken::new();
    let worker = imagegen_bootstrap::worker::start_worker(&config, stop.clone())
        .await
        .unwrap();
    api.database = Some(database);
    (api, worker.loops, stop)
}

/// An api in the distributed mode on `database_url` and `redis`, running no workers.
pub async fn api_on(database_url: &str, redis: &imagegen_test_support::TestRedis) -> Api {
    start_with(&[
        ("DATABASE_URL", database_url),
        ("REDIS_URL", redis.url.as_str()),
        ("IMAGEGEN_REDIS_PREFIX", redis.prefix.as_str()),
        ("IMAGEGEN_WEBHOOK_SECRETS", crate::support::WEBHOOK_SECRET),
    ])
    .await
}

/// Two api instances in the distributed mode sharing one database and one Redis, no
/// workers; the first keeps the database.
pub async fn two_apis() -> (Api, Api) {
    let database = imagegen_test_support::postgres().await;
    let redis = imagegen_test_support::redis();
    let mut first = api_on(&database.url, &redis).await;
    let second = api_on(&database.url, &redis).await;
    first.database = Some(database);
    (first, second)
}

/// Two api instances in the durable mode (one database, no Redis), each running its
/// own workers and relay; the first keeps the database.
pub async fn two_durable_apis() -> (Api, Api) {
    let database = imagegen_test_support::postgres().await;
    let vars = [("DATABASE_URL", database.url.as_str())];
    let mut first = start_with(&vars).await;
    let second = start_with(&vars).await;
    first.database = Some(database);
    (first, second)
}
