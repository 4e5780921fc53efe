//! The binary in embedded mode: it says so, prints a development token, serves, and
//! stops cleanly on SIGTERM. Bad configuration stops start-up with the variable's name.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

#[test]
fn the_binary_starts_in_embedded_mode_and_stops_on_sigterm() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("NO_COLOR", "1")
        .env_remove("IMAGEGEN_JWT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("EMBEDDED mode"), "first line: {first}");
    let (mut saw_token, mut images, mut events_url) = (false, None, None);
    for line in lines.by_ref().take(40) {
        let line = line.unwrap();
        saw_token |= line.contains("development token") && line.contains("eyJ");
        if line.contains("images stored on local disk") {
            images = line
                .split("images=")
                .nth(1)
                .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned());
        }
        if let Some(at) = line.find("GET http://") {
            events_url = Some(line[at + 4..].trim().to_owned());
            break;
        }
    }
    assert!(saw_token, "no development token printed");
    assert_eq!(healthz_status(port), 200);
    // The printed events URL opens as printed: it carries its token.
    let events_url = events_url.expect("no events URL printed");
    assert!(events_url.contains("access_token="), "{events_url}");
    assert_eq!(
        status_line_of(&events_url),
        "HTTP/1.1 200 OK",
        "{events_url}"
    );
    let images = std::path::PathBuf::from(images.expect("no images directory printed"));
    let data_dir = images.parent().unwrap().to_owned();
    assert!(data_dir.exists(), "{}", data_dir.display());

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the api did not stop within 30 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    assert!(
        lines
            .map_while(Result::ok)
            .any(|l| l.contains("shutdown complete"))
    );
    assert!(
        !data_dir.exists(),
        "the run's temporary data directory stayed: {}",
        data_dir.display()
    );
}

#[tokio::test]
async fn sigterm_ends_an_open_event_stream_cleanly_and_the_process_exits_zero() {
    use futures::StreamExt;
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "IMAGEGEN_JWT_SECRET",
            "sigterm-test-secret-sigterm-test-secret",
        )
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut api = crate::Running(child);
    crate::until_healthy(port).await;
    let (_, token) = crate::user_token("sigterm-test-secret-sigterm-test-secret");
    let response = reqwest::Client::new()
        .get(format!(
            "http://127.0.0.1:{port}/v1/events?access_token={token}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();

    let pid = api.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    // The stream ends (end of body, not an error) well before the drain timeout.
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(chunk) = body.next().await {
            chunk.expect("the stream broke instead of ending");
        }
    })
    .await;
    assert!(ended.is_ok(), "the event stream stayed open after SIGTERM");
    let status = tokio::task::spawn_blocking(move || api.0.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "exit status {status}");
}

#[test]
fn an_invalid_variable_stops_start_up_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", "nowhere")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("IMAGEGEN_LISTEN"), "{text}");
}

use crate::healthz_status;

/// The status line a GET of `url` (plain http) answers with.
fn status_line_of(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut head = [0u8; 64];
    // A signal to this process (a child's exit, with a handler installed) may cut a
    // blocking read short; that is no answer yet.
    let read = loop {
        match stream.read(&mut head) {
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            read => break read.unwrap(),
        }
    };
    String::from_utf8_lossy(&head[..read])
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}
