//! One trace across the processes: an api and a worker (the distributed mode), both
//! exporting over OTLP to a receiver in this test; the webhook the provider sends for
//! a generation yields spans from the api (its receipt), from the worker (the job that
//! applies it) and from the api again (the push of the event the move saved, through
//! the Redis bus) that share one trace id.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use tokio_util::sync::CancellationToken;

use crate::{
    PROCESS_JWT_SECRET, Running, WEBHOOK_SECRET, free_port, post_json, simulator, until_healthy,
};

/// Spans as received: (service, span name, trace id).
type Spans = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// An OTLP/HTTP receiver (`POST /v1/traces`, protobuf) on loopback.
async fn receiver(shutdown: &CancellationToken) -> (String, Spans) {
    let spans: Spans = Arc::default();
    let kept = spans.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: Bytes| async move {
            let request = ExportTraceServiceRequest::decode(body).unwrap();
            for resource in request.resource_spans {
                let service = (resource.resource.iter())
                    .flat_map(|r| &r.attributes)
                    .find(|a| a.key == "service.name")
                    .and_then(|a| a.value.as_ref())
                    .map(|v| format!("{:?}", v.value))
                    .unwrap_or_default();
                for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                    let mut all = kept.lock().unwrap();
                    all.push((service.clone(), span.name, span.trace_id));
                }
            }
            ""
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let serving = axum::serve(listener, app);
        let _ = serving.with_graceful_shutdown(stop.cancelled_owned()).await;
    });
    (url, spans)
}

/// The worker binary beside this package's api binary, built if needed (a test run
/// of the api's package alone does not build it).
fn worker_binary() -> std::path::PathBuf {
    let built = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "imagegen-worker"])
        .status()
        .unwrap();
    assert!(built.success(), "cargo build -p imagegen-worker");
    std::path::Path::new(env!("CARGO_BIN_EXE_imagegen-api")).with_file_name("imagegen-worker")
}

#[tokio::test]
async fn a_webhook_is_one_trace_from_the_apis_receipt_through_the_workers_job_to_the_push() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let (otlp, spans) = receiver(&shutdown).await;
    let (_simulator, sim_url) = simulator(
        Duration::from_millis(50),
        Duration::from_millis(100),
        &shutdown,
    )
    .await;
    let database = imagegen_test_support::postgres().await;
    let redis = imagegen_test_support::redis();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database.url.clone()),
        ("REDIS_URL", redis.url.clone()),
        ("IMAGEGEN_REDIS_PREFIX", redis.prefix.clone()),
        (
            "IMAGEGEN_DATA_DIR",
            imagegen_test_support::scratch_dir("imagegen-traces")
                .to_string_lossy()
                .into_owned(),
        ),
        ("IMAGEGEN_PROVIDER", "replicate".into()),
        ("IMAGEGEN_REPLICATE_BASE_URL", format!("{sim_url}/v1")),
        ("IMAGEGEN_REPLICATE_API_TOKEN", "r8_test".into()),
        ("IMAGEGEN_WEBHOOK_SECRETS", WEBHOOK_SECRET.into()),
        ("IMAGEGEN_FETCH_ALLOW_PRIVATE", "true".into()),
        ("IMAGEGEN_JWT_SECRET", PROCESS_JWT_SECRET.into()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp),
        // Export within a moment, not every 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "100".into()),
    ]);
    let spawn = |binary: &std::path::Path, extra: &[(&str, String)]| {
        let mut command = Command::new(binary);
        command.envs(vars.iter().map(|(k, v)| (*k, v.as_str())));
        command.envs(extra.iter().map(|(k, v)| (*k, v.as_str())));
        Running(command.stdout(Stdio::null()).spawn().unwrap())
    };
    let _api = spawn(
        std::path::Path::new(env!("CARGO_BIN_EXE_imagegen-api")),
        &[("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))],
    );
    until_healthy(port).await;
    let _worker = spawn(
        &worker_binary(),
        &[
            ("IMAGEGEN_PUBLIC_BASE_URL", base.clone()),
            (
                "IMAGEGEN_WORKER_LISTEN",
                format!("127.0.0.1:{}", free_port()),
            ),
        ],
    );
    let (_, token) = crate::user_token(PROCESS_JWT_SECRET);
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "prompt": "a traced harbour", "settings": { "size": "64x64" } });
    post_json(&http, &format!("{base}/v1/generations"), &token, &body).await;
    // The api's receipt and a worker's job in one trace.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        {
            let all = spans.lock().unwrap();
            let receipts: Vec<&Vec<u8>> = (all.iter())
                .filter(|(service, name, _)| {
                    service.contains("imagegen-api") && name == "receive_webhook"
                })
                .map(|(_, _, trace)| trace)
                .collect();
            let in_trace = |process: &str, span: &str| {
                (all.iter()).any(|(service, name, trace)| {
                    service.contains(process) && name == span && receipts.contains(&trace)
                })
            };
            // The worker's job, and the api's push of the event the move saved.
            let shared = in_trace("imagegen-worker", "job") && in_trace("imagegen-api", "push");
            if shared {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no shared trace in {:?}",
                all.iter().map(|(s, n, _)| (s, n)).collect::<Vec<_>>()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
