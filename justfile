# Everyday recipes. `just --list` shows them.

# Run the embedded mode (no services needed).
run:
    cargo run --release -p imagegen-api

# Run every test.
test:
    cargo test --workspace

# Faster test runs, when cargo-nextest is installed.
nextest *args:
    cargo nextest run --workspace {{args}}

# Format, lint, and check the 250-line rule.
check:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/check-line-limit
    scripts/check-observability

# The simulator on its own, for any Replicate client.
sim:
    cargo run -p imagegen-provider-sim

# What CI runs.
ci:
    .ci/run

# Drive the standalone simulator with Replicate's official Python client.
replicate-client-check:
    pip install --quiet replicate
    cargo build -p imagegen-provider-sim
    SIM_LISTEN=127.0.0.1:9000 ./target/debug/imagegen-provider-sim & sim=$!; sleep 1; \
      python3 scripts/replicate-client-check.py http://127.0.0.1:9000; status=$?; kill $sim; exit $status

# Fuzz webhook verification or parsing (needs `cargo install cargo-fuzz`; the stable
# toolchain runs it with RUSTC_BOOTSTRAP=1). Targets: verify_signature, parse_prediction.
fuzz target seconds="60":
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run {{target}} -- -max_total_time={{seconds}}
