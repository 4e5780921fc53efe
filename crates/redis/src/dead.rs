//! Listing a queue's dead letters, newest first.

use chrono::{DateTime, Utc};
use imagegen_application::ports::{DeadLetter, JobId, QueueName};
use imagegen_application::{Error, Result};

use crate::RedisJobQueue;
use crate::error::unavailable;

pub(crate) async fn dead_letters(
    queue: &RedisJobQueue,
    name: QueueName,
    limit: usize,
) -> Result<Vec<DeadLetter>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut connection = queue.connection().await?;
    let base = queue.base(name);
    let key = format!("{base}:dead");
    let ids: Vec<String> = redis::cmd("ZREVRANGE")
        .arg(&key)
        .arg(0)
        .arg(limit - 1)
        .query_async(&mut connection)
        .await
        .map_err(unavailable)?;
    let mut letters = Vec::with_capacity(ids.len());
    for id in ids {
        let (payload, meta, last_error, failed_at): (String, String, String, i64) =
            redis::cmd("HMGET")
                .arg(format!("{base}:jobs"))
                .arg(&id)
                .arg(format!("{id}:m"))
                .arg(format!("{id}:error"))
                .arg(format!("{id}:failed_at"))
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
        let corrupt =
            |what: &str, e: String| Error::unexpected(format!("reading a dead {what}"), e);
        letters.push(DeadLetter {
            id: JobId(
                id.parse()
                    .map_err(|e: uuid::Error| corrupt("job id", e.to_string()))?,
            ),
            queue: name,
            payload: serde_json::from_str(&payload)
                .map_err(|e| corrupt("payload", e.to_string()))?,
            // `score|attempts|...` (lua/keys.lua).
            attempts: meta
                .split('|')
                .nth(1)
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| corrupt("job", meta.clone()))?,
            last_error,
            failed_at: DateTime::<Utc>::from_timestamp_millis(failed_at)
                .ok_or_else(|| corrupt("time", failed_at.to_string()))?,
        });
    }
    Ok(letters)
}
