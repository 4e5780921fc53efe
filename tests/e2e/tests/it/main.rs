//! End to end: the api in embedded mode on a free port (through its library entry with
//! a pre-bound listener), its in-process simulator and worker loops, over real HTTP and
//! SSE, exactly as a user drives it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod admin;
mod admin_concurrency;
mod admin_providers;
mod admin_throughput;
mod broadcast;
mod callbacks;
mod cancel;
mod database_outage;
mod deadline;
mod delivery;
mod direct_stream;
mod distributed;
mod edges;
mod express;
mod fallback;
mod fallback_auto;
mod faults;
mod faults_fallback;
mod flow;
mod hostile;
mod hostile_durable;
mod idempotency;
mod long_poll;
mod modes;
mod presence;
mod redis_restart;
mod resume;
mod resync;
mod slow_consumer;
mod stream_cap;
mod streams;
mod stuck;
mod support;
mod tokens;
mod two_instances;
mod waiting;
mod webhooks;
mod ws;
mod ws_client;
mod ws_instances;
mod ws_upgrade;
