//! The binary in durable mode: its first line says so; a bad or unreachable
//! `DATABASE_URL` stops start-up with a message naming the variable; `migrate` applies
//! the migrations and exits.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{Running, free_port, until_healthy};

#[tokio::test]
async fn the_first_line_says_durable_mode_postgres() {
    let db = imagegen_test_support::postgres().await;
    let port = free_port();
    let data = imagegen_test_support::scratch_dir("imagegen-bin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &db.url)
        .env("IMAGEGEN_DATA_DIR", &data)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _api = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.contains("durable mode (Postgres)"),
        "first line: {first}"
    );
    // Keep reading, so the api never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    until_healthy(port).await;
}

fn start_up_error(database_url: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("DATABASE_URL", database_url)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // Both streams: a password must be in neither.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

#[test]
fn an_unreachable_database_stops_start_up_naming_database_url() {
    let url = format!(
        "postgres://nobody:secret-pass@127.0.0.1:{}/none",
        free_port()
    );
    let (code, text) = start_up_error(&url);
    assert_ne!(code, Some(0));
    assert!(text.contains("DATABASE_URL"), "{text}");
    assert!(
        !text.contains("secret-pass"),
        "the password was logged: {text}"
    );
}

#[test]
fn a_malformed_database_url_stops_start_up_naming_it() {
    let (code, text) = start_up_error("postgres://[broken");
    assert_ne!(code, Some(0));
    assert!(text.contains("DATABASE_URL"), "{text}");
}

#[tokio::test]
async fn migrate_applies_the_migrations_and_exits() {
    let db = imagegen_test_support::postgres().await;
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN \
         ('image_generations', 'domain_events', 'webhook_inbox', 'jobs')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables, 4);
}

#[tokio::test]
async fn an_unreachable_redis_stops_start_up_naming_redis_url() {
    let db = imagegen_test_support::postgres().await;
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", format!("redis://127.0.0.1:{}", free_port()))
        .env(
            "IMAGEGEN_WEBHOOK_SECRETS",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_ne!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("REDIS_URL"), "{text}");
}
