//! The browser side's tests, run by `cargo test` like every other: the TypeScript
//! client's unit tests, its integration tests against this binary (embedded, and
//! durable with a kill -9), and the console and client in headless Chromium
//! (`clients/js`, Vitest and playwright-core). Needs Node 20 with npm and Chromium
//! (`scripts/install-test-services` installs it); the packages come from the committed
//! lockfile (`npm ci`, once).

use std::path::{Path, PathBuf};
use std::process::Command;

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../clients/js")
}

fn npm(dir: &Path, args: &[&str]) -> std::process::ExitStatus {
    Command::new("npm")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap_or_else(|error| {
            panic!("cannot run npm (Node 20 with npm is needed for the client's tests): {error}")
        })
}

/// Installs the packages when the lockfile is newer than the installed tree.
fn installed(dir: &Path) {
    let stamp = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let lock = stamp(dir.join("package-lock.json"));
    let tree = stamp(dir.join("node_modules/.package-lock.json"));
    if tree.is_none() || tree < lock {
        assert!(
            npm(dir, &["ci", "--no-audit", "--no-fund"]).success(),
            "npm ci failed in clients/js"
        );
    }
}

#[test]
fn the_typescript_client_and_the_console_pass_their_tests() {
    let dir = clients_dir();
    installed(&dir);
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium} for the browser tests: run scripts/install-test-services (or set CHROMIUM)"
    );
    let api = PathBuf::from(env!("CARGO_BIN_EXE_imagegen-api"));
    // Built by the same `cargo test` (imagegen-test-support's own tests need it).
    let postgres = api.with_file_name("imagegen-test-postgres");
    assert!(
        postgres.exists(),
        "{} is not built: cargo build -p imagegen-test-support --bins",
        postgres.display()
    );
    // One project after another: the integration and browser tests start apis and
    // a browser, which a 2-core machine runs better one at a time.
    for project in ["unit", "integration", "browser"] {
        let status = Command::new("npx")
            .args(["vitest", "run", "--project", project])
            .current_dir(&dir)
            .env("IMAGEGEN_API_BIN", &api)
            .env("IMAGEGEN_TEST_POSTGRES_BIN", &postgres)
            .env("CHROMIUM", &chromium)
            .status()
            .expect("cannot run npx");
        assert!(
            status.success(),
            "the client's {project} tests failed (their output is above)"
        );
    }
}
