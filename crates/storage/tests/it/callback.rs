//! `CallbackSender`: users' callback URLs go through the same guard as image copies,
//! and the endpoint's answer decides between done, retry and give up.

use axum::http::StatusCode;
use imagegen_application::ports::FetchError;
use imagegen_application::ports::{Notice, UserNotifier};
use imagegen_domain::CallbackUrl;
use imagegen_storage::CallbackSender;
use serde_json::json;

use crate::assert_refused;

pub(crate) fn notice(url: &str) -> Notice {
    Notice {
        id: "gen.completed".into(),
        url: CallbackUrl::parse(url).unwrap(),
        body: json!({ "type": "generation.completed" }),
    }
}

/// An endpoint answering `status` on a local port.
async fn endpoint(status: StatusCode) -> String {
    let app =
        axum::Router::new().route("/hook", axum::routing::post(move || async move { status }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn loopback_private_and_metadata_addresses_are_refused_by_default() {
    let sender = CallbackSender::new(None, false).unwrap();
    let open = endpoint(StatusCode::OK).await;
    for url in [
        open.as_str(),
        "http://localhost:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data",
    ] {
        assert_refused(sender.notify(&notice(url)).await);
    }
}

#[tokio::test]
async fn the_answer_decides_done_retry_or_give_up() {
    let sender = CallbackSender::new(None, true).unwrap();
    let ok = endpoint(StatusCode::NO_CONTENT).await;
    sender.notify(&notice(&ok)).await.unwrap();
    for status in [StatusCode::BAD_GATEWAY, StatusCode::TOO_MANY_REQUESTS] {
        let url = endpoint(status).await;
        let error = sender.notify(&notice(&url)).await.unwrap_err();
        assert!(
            matches!(error, FetchError::Failed { .. }),
            "{status}: {error:?}"
        );
    }
    let gone = endpoint(StatusCode::GONE).await;
    assert_refused(sender.notify(&notice(&gone)).await);
}
