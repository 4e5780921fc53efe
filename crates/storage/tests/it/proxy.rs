//! A proxy in the environment must not carry the fetcher's requests: the proxy would
//! resolve the host itself, past the public-address check. Environment variables are
//! process-wide, so the fetch runs in a child process of this test binary.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use imagegen_application::ports::ImageFetcher;

use crate::fetcher;

const CHILD_TEST: &str = "proxy::child_fetches_with_a_proxy_in_its_environment";

/// A "proxy" that answers every request with a PNG and counts them.
async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let png = imagegen_simulator::render_png("proxied", 1, 0, 8, 8);
    let app = axum::Router::new().fallback(move || {
        seen.fetch_add(1, Ordering::SeqCst);
        let png = png.clone();
        async move { png }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, count)
}

#[tokio::test]
async fn a_proxy_in_the_environment_is_not_used() {
    let (proxy, requests) = counting_proxy().await;
    let exe = std::env::current_exe().unwrap();
    // Blocking wait on the pool, so this runtime keeps serving the proxy meanwhile.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args(["--ignored", "--exact", CHILD_TEST, "--nocapture"])
            .env("HTTP_PROXY", &proxy)
            .env("http_proxy", &proxy)
            .env("ALL_PROXY", &proxy)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child fetch went through the proxy or did not run:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(requests.load(Ordering::SeqCst), 0, "the proxy was asked");
}

/// Run by [`a_proxy_in_the_environment_is_not_used`] with a proxy in its environment.
#[tokio::test]
#[ignore = "run in a child process by a_proxy_in_the_environment_is_not_used"]
async fn child_fetches_with_a_proxy_in_its_environment() {
    assert!(
        std::env::var("HTTP_PROXY").is_ok(),
        "run without a proxy set"
    );
    // Through the proxy this would succeed (it serves a PNG for any URL); fetched
    // directly, the name does not resolve to a public address.
    let result = fetcher(false)
        .fetch("http://images.example.invalid/out.png")
        .await;
    assert!(result.is_err(), "fetched through the proxy: {result:?}");
}
