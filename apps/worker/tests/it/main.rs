//! The distributed mode as it is deployed: two api instances (in this process) and two
//! `imagegen-worker` processes on one Postgres and one Redis, with a Replicate-compatible
//! simulator as the provider. One worker is killed with SIGKILL mid-run: every
//! generation still completes, and a client connected to the other api instance gets
//! each event once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cluster;
mod kill_a_worker;
mod readiness;
mod readme_worker_kill;
