//! The local disk store passes the image store contract; the fetcher refuses what it
//! must and validates what it takes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod callback;
mod proxy;
mod redirects;

use imagegen_application::ports::{FetchError, ImageFetcher};

use imagegen_port_contracts as contract;
use imagegen_storage::{FetchPolicy, LocalDiskImageStore, SafeImageFetcher};

fn disk() -> LocalDiskImageStore {
    let dir = imagegen_test_support::scratch_dir("imagegen-test");
    LocalDiskImageStore::open(dir).unwrap()
}

#[tokio::test]
async fn a_stored_image_reads_back() {
    contract::image_store::a_stored_image_reads_back(&disk()).await;
}

#[tokio::test]
async fn an_unknown_image_is_none() {
    contract::image_store::an_unknown_image_is_none(&disk()).await;
}

#[tokio::test]
async fn putting_again_replaces() {
    contract::image_store::putting_again_replaces(&disk()).await;
}

/// Serves `body` at `/img` on a local port.
async fn serve(body: Vec<u8>) -> String {
    let app = axum::Router::new().route("/img", axum::routing::get(move || async move { body }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/img", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

pub fn fetcher(allow_private: bool) -> SafeImageFetcher {
    SafeImageFetcher::new(FetchPolicy {
        allow_private,
        ..FetchPolicy::default()
    })
    .unwrap()
}

fn assert_refused(result: Result<impl std::fmt::Debug, FetchError>) {
    match result {
        Err(FetchError::Refused { .. }) => {}
        other => panic!("expected a permanent refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_png_is_fetched_with_its_type_and_size() {
    let url = serve(imagegen_simulator::render_png("x", 1, 0, 80, 40)).await;
    let image = fetcher(true).fetch(&url).await.unwrap();
    assert_eq!(
        (image.content_type.as_str(), image.width, image.height),
        ("image/png", 80, 40)
    );
}

#[tokio::test]
async fn a_loopback_address_is_refused_by_default() {
    let url = serve(imagegen_simulator::render_png("x", 1, 0, 8, 8)).await;
    assert_refused(fetcher(false).fetch(&url).await);
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_by_default() {
    let url = serve(imagegen_simulator::render_png("x", 1, 0, 8, 8))
        .await
        .replace("127.0.0.1", "localhost");
    assert_refused(fetcher(false).fetch(&url).await);
}

#[tokio::test]
async fn metadata_and_private_addresses_are_refused() {
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/x.png",
        "http://[::1]/x.png",
    ] {
        assert_refused(fetcher(false).fetch(url).await);
    }
}

#[tokio::test]
async fn other_schemes_are_refused() {
    assert_refused(fetcher(true).fetch("file:///etc/passwd").await);
}

#[tokio::test]
async fn a_body_that_is_not_an_image_is_refused() {
    let url = serve(b"<html>hello</html>".to_vec()).await;
    assert_refused(fetcher(true).fetch(&url).await);
}

#[tokio::test]
async fn a_body_over_the_size_cap_is_refused() {
    let url = serve(imagegen_simulator::render_png("x", 1, 0, 256, 256)).await;
    let small = SafeImageFetcher::new(FetchPolicy {
        allow_private: true,
        max_bytes: 64,
        ..FetchPolicy::default()
    })
    .unwrap();
    assert_refused(small.fetch(&url).await);
}
