//! What a browser needs of the binary: the console at `/` (and the link to it, with
//! the development token in the fragment, as the embedded mode's last start-up line),
//! CORS for pages on the origins of `IMAGEGEN_CORS_ORIGINS` only, and WebSocket
//! upgrades refused to pages of other origins.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{PROCESS_JWT_SECRET, Running, free_port, until_healthy, user_token};

const ALLOWED: &str = "http://app.example:5173";

fn api(port: u16) -> Running {
    let data = imagegen_test_support::scratch_dir("imagegen-browsers");
    let child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env("IMAGEGEN_DATA_DIR", &data)
        .env("IMAGEGEN_JWT_SECRET", PROCESS_JWT_SECRET)
        .env(
            "IMAGEGEN_CORS_ORIGINS",
            format!("{ALLOWED}, https://other.example"),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    Running(child)
}

fn header(response: &reqwest::Response, name: &str) -> String {
    (response.headers().get(name))
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .unwrap_or_default()
}

#[tokio::test]
async fn pages_of_allowed_origins_may_call_and_stream_and_others_may_not() {
    let port = free_port();
    let _api = api(port);
    until_healthy(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let (caller, token) = user_token(PROCESS_JWT_SECRET);
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, format!("{base}/v1/generations"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, idempotency-key, content-type",
            )
            .send()
    };
    let allowed = preflight(ALLOWED).await.unwrap();
    assert!(
        allowed.status().is_success(),
        "preflight: {}",
        allowed.status()
    );
    assert_eq!(header(&allowed, "access-control-allow-origin"), ALLOWED);
    let headers = header(&allowed, "access-control-allow-headers");
    for needed in [
        "authorization",
        "idempotency-key",
        "if-none-match",
        "last-event-id",
    ] {
        assert!(headers.contains(needed), "{needed} not allowed: {headers}");
    }
    let foreign = preflight("http://evil.example").await.unwrap();
    assert_eq!(header(&foreign, "access-control-allow-origin"), "");

    // A REST answer (a problem too) names the origin and exposes what clients read.
    let listed = (http
        .get(format!("{base}/v1/generations"))
        .bearer_auth(&token))
    .header("origin", ALLOWED)
    .send()
    .await
    .unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(header(&listed, "access-control-allow-origin"), ALLOWED);
    let exposed = header(&listed, "access-control-expose-headers");
    for needed in ["etag", "location", "retry-after"] {
        assert!(exposed.contains(needed), "{needed} not exposed: {exposed}");
    }
    let refused = (http.get(format!("{base}/v1/generations")))
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(header(&refused, "access-control-allow-origin"), ALLOWED);

    // The event stream, as a cross-origin EventSource asks for it.
    let url = format!(
        "{base}/v1/events?channel=user:{}&access_token={token}",
        caller.user_id
    );
    let stream = http
        .get(&url)
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(header(&stream, "content-type"), "text/event-stream");
    assert_eq!(header(&stream, "access-control-allow-origin"), ALLOWED);
    let stream = http
        .get(&url)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&stream, "access-control-allow-origin"), "");

    // WebSockets: no Origin (not a browser), the api's own, or an allowed one.
    let ws_url = format!("ws://127.0.0.1:{port}/v1/ws?access_token={token}");
    for (origin, opens) in [
        (None, true),
        (Some(base.clone()), true),
        (Some(ALLOWED.to_owned()), true),
        (Some("http://evil.example".to_owned()), false),
    ] {
        let mut request = ws_url.as_str().into_client_request().unwrap();
        if let Some(origin) = &origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().unwrap());
        }
        let opened = tokio_tungstenite::connect_async(request).await;
        match (opens, opened) {
            (true, Ok(_)) => {}
            (false, Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
                assert_eq!(response.status(), 403, "{origin:?}");
                let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default());
                assert!(body.contains("forbidden_origin"), "{body}");
            }
            (opens, other) => panic!(
                "{origin:?}: expected opens={opens}, got {:?}",
                other.map(|_| ())
            ),
        }
    }
}

#[tokio::test]
async fn the_console_is_served_at_the_root_with_its_script_and_a_strict_policy() {
    let port = free_port();
    let _api = api(port);
    until_healthy(port).await;
    let page = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert!(header(&page, "content-security-policy").contains("default-src 'self'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("/console/console.js"), "{html}");
    for file in ["console.js", "console.css"] {
        let asset = reqwest::get(format!("http://127.0.0.1:{port}/console/{file}"))
            .await
            .unwrap();
        assert_eq!(asset.status(), 200, "{file}");
        assert!(
            asset.text().await.unwrap().len() > 1000,
            "{file} is nearly empty"
        );
    }
}

/// The embedded mode's last start-up line is a link a person opens: the console, with
/// the development token in the fragment (never sent to the server in a URL).
#[tokio::test]
async fn the_embedded_mode_ends_its_start_up_with_the_console_link() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_imagegen-api"))
        .env("IMAGEGEN_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "IMAGEGEN_DATA_DIR",
            imagegen_test_support::scratch_dir("imagegen-console-link"),
        )
        .env("NO_COLOR", "1")
        .env_remove("IMAGEGEN_JWT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut child = Running(child);
    let link = (lines.by_ref().map_while(Result::ok).take(40))
        .find_map(|line| {
            let at = line.find("open the console: ")?;
            Some(line[at + "open the console: ".len()..].trim().to_owned())
        })
        .expect("no console link printed");
    // Nothing of the start-up comes after it (a loop announcing itself late would).
    let (later, rest) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if later.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(
        rest.try_recv().ok(),
        None,
        "a start-up line after the console link"
    );
    let (page, token) = link
        .split_once("/#access_token=")
        .expect("token in the fragment");
    assert_eq!(page, format!("http://127.0.0.1:{port}"));
    let answer = reqwest::Client::new()
        .get(format!("{page}/v1/generations"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "the link's token is refused");
    let _ = child.0.kill();
}
