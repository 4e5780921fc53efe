//! `LISTEN/NOTIFY`: a committed job or event wakes waiting `reserve` and
//! `wait_for_events` calls at once. Notifications are sent inside the writing
//! transaction, so Postgres delivers them only on commit. The listener holds a
//! dedicated connection and reconnects; after every (re)connect it wakes everyone,
//! since notifications sent while it was away are lost. Waiters also poll now and
//! then, as a backstop.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Channel notified when a job is queued (payload: the queue's name).
pub(crate) const JOBS_CHANNEL: &str = "imagegen_jobs";
/// Channel notified when events are appended.
pub(crate) const EVENTS_CHANNEL: &str = "imagegen_events";
/// Channel notified when jobs are written to the outbox.
pub(crate) const OUTBOX_CHANNEL: &str = "imagegen_outbox";
/// Channel carrying ephemeral messages (broadcasts, presence) between instances.
pub(crate) const EPHEMERAL_CHANNEL: &str = "imagegen_ephemeral";
/// The pause before reconnecting a listener that failed.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// What waiters wait on.
pub(crate) struct Wakeups {
    pub jobs: Notify,
    pub events: Notify,
    pub outbox: Notify,
    /// The payloads of ephemeral messages, for the bus that forwards them.
    pub ephemeral: tokio::sync::broadcast::Sender<String>,
}

impl Default for Wakeups {
    fn default() -> Self {
        Self {
            jobs: Notify::new(),
            events: Notify::new(),
            outbox: Notify::new(),
            ephemeral: tokio::sync::broadcast::channel(1024).0,
        }
    }
}

impl Wakeups {
    fn wake_all(&self) {
        self.jobs.notify_waiters();
        self.events.notify_waiters();
        self.outbox.notify_waiters();
    }
}

/// Listens until `stop` is cancelled.
pub(crate) async fn listen(pool: PgPool, wakeups: Arc<Wakeups>, stop: CancellationToken) {
    while !stop.is_cancelled() {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                wakeups.wake_all();
                loop {
                    let received = tokio::select! {
                        () = stop.cancelled() => return,
                        received = listener.recv() => received,
                    };
                    match received {
                        // One worker per job; a worker that gets one wakes the next.
                        Ok(note) if note.channel() == JOBS_CHANNEL => wakeups.jobs.notify_one(),
                        Ok(note) if note.channel() == OUTBOX_CHANNEL => {
                            wakeups.outbox.notify_waiters()
                        }
                        Ok(note) if note.channel() == EPHEMERAL_CHANNEL => {
                            // No receiver: no bus forwards them in this process.
                            let _ = wakeups.ephemeral.send(note.payload().to_owned());
                        }
                        Ok(_) => wakeups.events.notify_waiters(),
                        Err(error) => {
                            tracing::warn!(%error, "database notifications interrupted; reconnecting");
                            break;
                        }
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for database notifications; retrying")
            }
        }
        wakeups.wake_all();
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(RECONNECT_PAUSE) => {}
        }
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener
        .listen_all([
            JOBS_CHANNEL,
            EVENTS_CHANNEL,
            OUTBOX_CHANNEL,
            EPHEMERAL_CHANNEL,
        ])
        .await?;
    Ok(listener)
}
