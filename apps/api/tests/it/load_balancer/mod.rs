//! Behind a real load balancer (HAProxy with `deploy/haproxy/haproxy.cfg`): a few
//! hundred clients on SSE and WebSocket, generations created at a steady rate, while
//! each api in turn is drained with SIGTERM and restarted (a rolling restart), one api
//! is SIGKILLed and restarted, and one worker is SIGKILLed and restarted. Every
//! generation reaches its end, every client receives every event of its channel exactly
//! once and in order, and no create fails except with the documented, retryable `503`.

mod creator;
mod deployment;
mod ends;
mod watchers;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use self::deployment::Deployment;
use self::ends::{every_end, until};
use self::watchers::Watched;
use crate::{PROCESS_JWT_SECRET, user_token};

const USERS: usize = 40;
/// Per user: this many SSE clients and as many WebSocket clients.
const CLIENTS_PER_TRANSPORT: usize = 3;

/// Drains one api with SIGTERM (checking `/readyz` says so while it still serves),
/// waits for it to end, and starts it again on its port.
async fn rolling_restart_of(deployment: &mut Deployment, index: usize) -> bool {
    let port = deployment.apis[index].port;
    deployment.apis[index].signal("TERM");
    let readyz = format!("http://127.0.0.1:{port}/readyz");
    let mut said_draining = false;
    for _ in 0..20 {
        if let Ok(answer) = reqwest::get(&readyz).await {
            said_draining |= answer.status() == 503
                && answer.text().await.unwrap_or_default().contains("draining");
        }
        if said_draining {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    deployment.apis[index].ended().await;
    deployment.apis[index] = deployment.api(port).await;
    // HAProxy takes it back after two good checks (`rise 2`, one a second).
    tokio::time::sleep(Duration::from_secs(3)).await;
    said_draining
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_haproxy_restarts_and_kills_lose_no_event_and_no_generation() {
    let shutdown = CancellationToken::new();
    let _stop = shutdown.clone().drop_guard();
    let mut deployment = Deployment::start(&shutdown).await;
    let balancer = deployment.balancer.clone();
    let users: Vec<(String, String)> = (0..USERS)
        .map(|_| {
            let (caller, token) = user_token(PROCESS_JWT_SECRET);
            (token, format!("user:{}", caller.user_id))
        })
        .collect();
    let watching = CancellationToken::new();
    let _stop_watching = watching.clone().drop_guard();
    let mut clients: Vec<(usize, Watched)> = Vec::new();
    for (user, (token, channel)) in users.iter().enumerate() {
        for _ in 0..CLIENTS_PER_TRANSPORT {
            let (b, t, c, s) = (
                balancer.clone(),
                token.clone(),
                channel.clone(),
                watching.clone(),
            );
            clients.push((user, watchers::sse(b, t, c, s)));
            let (b, t, c, s) = (
                balancer.clone(),
                token.clone(),
                channel.clone(),
                watching.clone(),
            );
            clients.push((user, watchers::websocket(b, t, c, s)));
        }
    }
    until(
        "every client's first connection",
        Duration::from_secs(60),
        || {
            clients
                .iter()
                .all(|(_, w)| w.lock().unwrap().connections > 0)
        },
    )
    .await;

    let creating = CancellationToken::new();
    let tokens = users.iter().map(|(token, _)| token.clone()).collect();
    let created = creator::steadily(
        balancer.clone(),
        tokens,
        Duration::from_millis(100),
        creating.clone(),
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    // 1. A rolling restart.
    let drained = [
        rolling_restart_of(&mut deployment, 0).await,
        rolling_restart_of(&mut deployment, 1).await,
    ];
    // 2. One api killed.
    let port = deployment.apis[0].port;
    deployment.apis[0].signal("KILL");
    deployment.apis[0].ended().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    deployment.apis[0] = deployment.api(port).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    // 3. One worker killed and restarted.
    deployment.workers[0].signal("KILL");
    deployment.workers[0].ended().await;
    deployment.workers[0] = deployment.worker().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    creating.cancel();
    // Creates already sent finish (each waits at most 20 s per try).
    tokio::time::sleep(Duration::from_secs(3)).await;

    let (generations, retried, failures) = {
        let created = created.lock().unwrap();
        (
            created.generations.clone(),
            created.retried_503,
            created.failures.clone(),
        )
    };
    assert!(
        failures.is_empty(),
        "creates failed otherwise than with a retryable 503: {failures:?}"
    );
    let versions = every_end(&balancer, &users, &generations).await;
    let expected_per_user = |user: usize| -> usize {
        generations
            .iter()
            .filter(|(_, u)| **u == user)
            .map(|(id, _)| versions[id].0 as usize)
            .sum()
    };
    until(
        "every client to have every event",
        Duration::from_secs(90),
        || {
            clients
                .iter()
                .all(|(user, w)| w.lock().unwrap().events.len() >= expected_per_user(*user))
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut reconnects = 0;
    let mut delivered = 0;
    for (user, watch) in &clients {
        let watch = watch.lock().unwrap();
        reconnects += watch.connections - 1;
        delivered += watch.events.len();
        let ids: HashSet<&str> = watch.events.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(
            ids.len(),
            watch.events.len(),
            "a client received an event twice"
        );
        assert!(
            watch
                .events
                .windows(2)
                .all(|w| w[0].position < w[1].position),
            "out of order"
        );
        let mut by_generation: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for event in &watch.events {
            by_generation
                .entry(event.generation.as_str())
                .or_default()
                .push(event.sequence);
        }
        let own = generations
            .iter()
            .filter(|(_, u)| **u == *user)
            .map(|(id, _)| id);
        for id in own {
            let expected: Vec<u64> = (1..=versions[id].0).collect();
            assert_eq!(
                by_generation.get(id.as_str()),
                Some(&expected),
                "generation {id}'s events at a client"
            );
        }
    }
    let mut ends: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, status) in versions.values() {
        *ends.entry(status.as_str()).or_default() += 1;
    }
    println!(
        "load balancer: {} generations created ({retried} creates retried after a 503, 0 failed), ended {ends:?}; \
         {} clients ({} SSE, {} WebSocket) received {delivered} events, each once and in order, over {reconnects} reconnects; \
         drains said not ready: {drained:?}",
        generations.len(),
        clients.len(),
        clients.len() / 2,
        clients.len() / 2,
    );
    assert!(
        drained.iter().all(|d| *d),
        "a draining api did not answer /readyz not ready"
    );
    assert!(
        reconnects > 0,
        "no client reconnected: nothing was disturbed"
    );
}
