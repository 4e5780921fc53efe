//! `QueueAdmin` on Redis: a queue is paused while its `paused` key exists (the reserve
//! script skips it); its `concurrency` key holds what an operator set; a dead letter
//! goes back to `ready` with its attempts reset.

use async_trait::async_trait;
use imagegen_application::ports::{DeadLetter, JobId, QueueAdmin, QueueName, QueueStats};
use imagegen_application::{Error, Result};

use crate::RedisJobQueue;
use crate::error::unavailable;
use crate::scripts::{RETRY_DEAD, on_queue};

impl RedisJobQueue {
    fn key(&self, queue: QueueName, suffix: &str) -> String {
        format!("{}:{suffix}", self.base(queue))
    }
}

#[async_trait]
impl QueueAdmin for RedisJobQueue {
    async fn counts(&self, queue: QueueName) -> Result<QueueStats> {
        self.stats(queue).await
    }

    async fn is_paused(&self, queue: QueueName) -> Result<bool> {
        let mut connection = self.connection().await?;
        redis::cmd("EXISTS")
            .arg(self.key(queue, "paused"))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn pause(&self, queue: QueueName) -> Result<()> {
        let mut connection = self.connection().await?;
        redis::cmd("SET")
            .arg(self.key(queue, "paused"))
            .arg(1)
            .query_async::<()>(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn resume(&self, queue: QueueName) -> Result<()> {
        let mut connection = self.connection().await?;
        redis::pipe()
            .atomic()
            .del(self.key(queue, "paused"))
            .lpush(self.key(queue, "wake"), 1)
            .ltrim(self.key(queue, "wake"), 0, 0)
            .query_async::<()>(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn concurrency(&self, queue: QueueName) -> Result<Option<u32>> {
        let mut connection = self.connection().await?;
        redis::cmd("GET")
            .arg(self.key(queue, "concurrency"))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn set_concurrency(&self, queue: QueueName, concurrency: Option<u32>) -> Result<()> {
        let mut connection = self.connection().await?;
        let key = self.key(queue, "concurrency");
        let command = match concurrency {
            Some(n) => redis::cmd("SET").arg(key).arg(n).clone(),
            None => redis::cmd("DEL").arg(key).clone(),
        };
        command
            .query_async::<()>(&mut connection)
            .await
            .map_err(unavailable)
    }

    async fn dead(&self, queue: QueueName, limit: usize) -> Result<Vec<DeadLetter>> {
        self.dead_letters(queue, limit).await
    }

    async fn retry_dead(&self, queue: QueueName, id: JobId) -> Result<()> {
        let mut connection = self.connection().await?;
        let moved: i64 = on_queue(&RETRY_DEAD, &self.base(queue))
            .arg(id.to_string())
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        match moved {
            1 => Ok(()),
            _ => Err(Error::NotFound {
                what: "dead letter",
            }),
        }
    }
}
