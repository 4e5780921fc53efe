//! The `imagegen-api` binary as users run it: it says it is the embedded mode, prints a
//! development token, serves, and stops cleanly on SIGTERM. Bad configuration stops
//! start-up with the variable's name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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
    let mut saw_token = false;
    for line in lines.by_ref().take(8) {
        let line = line.unwrap();
        saw_token |= line.contains("development token") && line.contains("eyJ");
        if saw_token {
            break;
        }
    }
    assert!(saw_token, "no development token printed");
    assert_eq!(healthz_status(port), 200);

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

/// The status code of GET /healthz, over a plain TCP connection.
fn healthz_status(port: u16) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}
