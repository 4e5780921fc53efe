//! The standalone simulator as a process: its secret from `SIM_WEBHOOK_SECRET` is
//! served where Replicate serves it, it counts calls, and it stops on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_until_listening(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the simulator did not listen on {port}");
}

#[tokio::test]
async fn the_standalone_simulator_serves_its_secret_counts_calls_and_stops_on_sigterm() {
    let port = free_port();
    let mut sim = Running(
        Command::new(env!("CARGO_BIN_EXE_imagegen-provider-sim"))
            .env("SIM_LISTEN", format!("127.0.0.1:{port}"))
            .env("SIM_WEBHOOK_SECRET", SECRET)
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_until_listening(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    let secret: serde_json::Value = http
        .get(format!("{base}/v1/webhooks/default/secret"))
        .bearer_auth("r8_any")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(secret["key"], SECRET);

    let anonymous = http
        .post(format!("{base}/v1/predictions"))
        .json(&serde_json::json!({ "version": "a/b", "input": { "prompt": "x" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let stats: serde_json::Value = http
        .get(format!("{base}/sim/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stats["secret_reads"].as_u64(), stats["creates"].as_u64()),
        (Some(1), Some(1))
    );

    let pid = sim.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = sim.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit within 30 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
}

#[test]
fn a_malformed_secret_stops_start_up_naming_the_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_imagegen-provider-sim"))
        .env("SIM_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("SIM_WEBHOOK_SECRET", "not-a-secret")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stdout).contains("SIM_WEBHOOK_SECRET"));
}
