//! Event retention on Postgres: old events are deleted in one statement that also
//! moves the `pruned_through` watermark, in one transaction.

use chrono::{DateTime, Utc};
use imagegen_application::Result;
use imagegen_application::ports::StreamPosition;

use crate::error::unavailable;

/// Deletes the events that occurred before `cutoff`; returns how many.
pub(crate) async fn prune_before(
    store: &crate::store::PgShared,
    cutoff: DateTime<Utc>,
) -> Result<u64> {
    let (count, newest): (i64, Option<i64>) = sqlx::query_as(
        "WITH gone AS (DELETE FROM domain_events WHERE occurred_at < $1 RETURNING position), \
         mark AS (INSERT INTO event_retention (pruned_through) \
                  SELECT max(position) FROM gone HAVING count(*) > 0 \
                  ON CONFLICT (only_row) DO UPDATE \
                  SET pruned_through = GREATEST(event_retention.pruned_through, EXCLUDED.pruned_through)) \
         SELECT count(*), max(position) FROM gone",
    )
    .bind(cutoff)
    .fetch_one(&store.pool)
    .await
    .map_err(unavailable)?;
    if let Some(newest) = newest {
        tracing::info!(
            events = count,
            pruned_through = newest,
            "old events deleted"
        );
    }
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The newest position deleted so far (0 when none).
pub(crate) async fn pruned_through(store: &crate::store::PgShared) -> Result<StreamPosition> {
    let position: Option<i64> = sqlx::query_scalar("SELECT pruned_through FROM event_retention")
        .fetch_optional(&store.pool)
        .await
        .map_err(unavailable)?;
    Ok(StreamPosition(
        position.map_or(0, |p| u64::try_from(p).unwrap_or(0)),
    ))
}
