//! A connection that cannot be made says why and where it tried: the socket file for a
//! socket URL, the refused host and port, the rejected user; never only "timed out".

use imagegen_postgres::{PgOptions, PgStore};

async fn refusal(url: &str) -> String {
    match PgStore::connect(url, PgOptions::default()).await {
        Ok(_) => panic!("{url} connected"),
        Err(error) => imagegen_application::error::chain(&error),
    }
}

#[tokio::test]
async fn a_missing_socket_is_named_with_its_path() {
    let message = refusal("postgres:///imagegen?host=/nonexistent/imagegen-sockets").await;
    assert!(
        message.contains("/nonexistent/imagegen-sockets/.s.PGSQL.5432"),
        "{message}"
    );
    assert!(!message.contains("timed out"), "{message}");
}

#[tokio::test]
async fn a_refused_port_is_named_with_host_and_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let message = refusal(&format!("postgres://nobody@127.0.0.1:{port}/x")).await;
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
}

#[tokio::test]
async fn a_rejected_user_is_told_apart_from_an_unreachable_server() {
    let database = imagegen_test_support::postgres().await;
    let url = url::Url::parse(&database.url).unwrap();
    let mut wrong = url.clone();
    wrong.set_username("no_such_role_here").unwrap();
    let message = refusal(wrong.as_str()).await;
    assert!(message.contains("no_such_role_here"), "{message}");
    assert!(!message.contains("timed out"), "{message}");
}
