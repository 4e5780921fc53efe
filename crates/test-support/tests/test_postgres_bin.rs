//! `imagegen-test-postgres`, the throwaway Postgres of the JavaScript client's tests:
//! it prints a URL that connects, and its server is gone once its standard input
//! closes (when the process that started it ends).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn its_url_connects_and_the_server_stops_when_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imagegen-test-postgres"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("DATABASE_URL=")
        .expect(&line)
        .to_owned();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let answer: i32 = sqlx::query_scalar("SELECT 41 + 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(answer, 42);
    pool.close().await;

    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "it did not exit after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(child.wait().unwrap().success());
    let refused = sqlx::PgPool::connect(&url).await;
    assert!(refused.is_err(), "its server still answers");
}
