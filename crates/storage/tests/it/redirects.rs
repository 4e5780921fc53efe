//! A redirect is never followed, by the image copy or by a callback: an outside
//! address that answers `302` to a loopback or link-local one gets refused, and the
//! inside address is never called. (The redirecting server is on loopback too, so the
//! guard is opened for it; the redirect itself must still not be followed.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{StatusCode, header};
use imagegen_application::ports::{ImageFetcher, UserNotifier};
use imagegen_storage::CallbackSender;

use crate::{assert_refused, fetcher};

/// An inside endpoint that counts its calls; its URL.
async fn inside(calls: Arc<AtomicUsize>) -> String {
    let app = axum::Router::new().fallback(move || {
        let calls = calls.clone();
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            "secret"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/secret", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A server answering every request with `302` to `target`; its URL.
async fn redirecting_to(target: String) -> String {
    let app = axum::Router::new().fallback(move || {
        let target = target.clone();
        async move { (StatusCode::FOUND, [(header::LOCATION, target)]) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/x.png", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn the_image_copy_follows_no_redirect_to_loopback_or_link_local() {
    let calls = Arc::new(AtomicUsize::new(0));
    let loopback = inside(calls.clone()).await;
    for target in [
        loopback,
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let url = redirecting_to(target.clone()).await;
        assert_refused(fetcher(true).fetch(&url).await);
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the inside address was called"
    );
}

#[tokio::test]
async fn a_callback_follows_no_redirect_to_loopback_or_link_local() {
    let calls = Arc::new(AtomicUsize::new(0));
    let loopback = inside(calls.clone()).await;
    let sender = CallbackSender::new(None, true).unwrap();
    for target in [
        loopback,
        "http://169.254.169.254/latest/meta-data".to_owned(),
    ] {
        let url = redirecting_to(target.clone())
            .await
            .replace("/x.png", "/hook");
        assert_refused(sender.notify(&crate::callback::notice(&url)).await);
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the inside address was called"
    );
}
