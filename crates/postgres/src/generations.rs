//! `GenerationRepository`: the aggregate's row, saved with its events and jobs in one
//! transaction, with optimistic concurrency on `version`.

use async_trait::async_trait;
use imagegen_application::ports::{
    DeliveryKey, GenerationRepository, InboxState, NewJob, StoreError, StoreResult,
    expected_version,
};
use imagegen_application::{Error, Result};
use imagegen_domain::{EventEnvelope, ExternalId, Generation, GenerationId, ProviderName, UserId};
use sqlx::PgConnection;

use crate::error::{is_unique_violation, unavailable};
use crate::generation_columns::{INSERT, UPDATE, bind_columns};
use crate::inbox::advance_in;
use crate::job_rows::insert_job;
use crate::outbox::{JobDestination, insert_outbox};
use crate::rows::{GENERATION_COLUMNS, enum_text, generation_from_row};
use crate::transaction::settle;

impl crate::store::PgShared {
    /// Writes `jobs` in the caller's transaction, to the queue or to the outbox.
    pub(crate) async fn insert_jobs(&self, tx: &mut PgConnection, jobs: &[NewJob]) -> Result<()> {
        let now = self.clock.now();
        for job in jobs {
            match self.job_destination {
                JobDestination::Queue => insert_job(tx, job, now).await.map(|_| ())?,
                JobDestination::Outbox => insert_outbox(tx, job, now).await?,
            }
        }
        Ok(())
    }

    /// [`GenerationRepository::save`] inside the caller's transaction, for services
    /// that write their own rows with a move. Once it returns, the transaction holds
    /// the event-append lock: commit or roll back promptly.
    ///
    /// # Errors
    /// As [`GenerationRepository::save`].
    pub async fn save_in(
        &self,
        tx: &mut PgConnection,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
    ) -> StoreResult<()> {
        self.save_caused(tx, generation, events, jobs, None).await
    }

    /// As [`PgShared::save_in`], the events marked as caused by a webhook received at
    /// `webhook_received_at`.
    async fn save_caused(
        &self,
        tx: &mut PgConnection,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
        webhook_received_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> StoreResult<()> {
        let id = generation.id();
        let expected = expected_version(generation, events)?;
        let expected_db = i64::try_from(expected).map_err(|e| Error::unexpected("version", e))?;
        let updated = bind_columns(UPDATE, generation)?
            .bind(expected_db)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected() == 0 {
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM image_generations WHERE id = $1)")
                    .bind(id.as_uuid())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(unavailable)?;
            return Err(if exists {
                StoreError::Conflict {
                    id: id.to_string(),
                    expected,
                }
            } else {
                StoreError::NotFound { what: "generation" }
            });
        }
        self.insert_jobs(tx, jobs).await?;
        // Last, so that the append lock is held for as short a time as possible.
        Ok(crate::events::append(tx, events, webhook_received_at).await?)
    }

    /// One transaction: the move, and the delivery that caused it marked processed.
    async fn save_marking(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
        delivery: Option<&DeliveryKey>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        // The delivery first: its receipt time goes with the events.
        let received = match delivery {
            Some(key) => {
                let (provider, id, now) = (key.provider, key.webhook_id.as_str(), self.clock.now());
                advance_in(&mut tx, provider, id, InboxState::Processed, now).await
            }
            None => Ok(None),
        };
        let saved = match received {
            Ok(at) => {
                self.save_caused(&mut tx, generation, events, jobs, at)
                    .await
            }
            Err(error) => Err(error.into()),
        };
        settle(tx, saved).await
    }
}

#[async_trait]
impl GenerationRepository for crate::ports::PgGenerations {
    #[tracing::instrument(name = "pg.create_generation", skip_all, fields(generation.id = %generation.id()))]
    async fn create(&self, generation: &Generation, jobs: &[NewJob]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let inserted = bind_columns(INSERT, generation)?.execute(&mut *tx).await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                return Err(StoreError::Conflict {
                    id: generation.id().to_string(),
                    expected: 0,
                });
            }
            Err(error) => return Err(unavailable(error).into()),
        }
        let queued = self.insert_jobs(&mut tx, jobs).await;
        settle(tx, queued.map_err(StoreError::from)).await
    }

    async fn get(&self, id: GenerationId) -> StoreResult<Option<Generation>> {
        let sql = format!("SELECT {GENERATION_COLUMNS} FROM image_generations WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.as_ref().map(generation_from_row).transpose()?)
    }

    #[tracing::instrument(name = "pg.save_generation", skip_all, fields(generation.id = %generation.id()))]
    async fn save(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
    ) -> StoreResult<()> {
        self.save_marking(generation, events, jobs, None).await
    }

    async fn save_processed(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
        delivery: &DeliveryKey,
    ) -> StoreResult<()> {
        self.save_marking(generation, events, jobs, Some(delivery))
            .await
    }

    async fn find_by_external_id(
        &self,
        provider: ProviderName,
        external_id: &ExternalId,
    ) -> StoreResult<Option<GenerationId>> {
        let id: Option<uuid::Uuid> = sqlx::query_scalar(
            "SELECT id FROM image_generations WHERE provider = $1 AND external_id = $2",
        )
        .bind(enum_text(&provider)?)
        .bind(external_id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(id.map(GenerationId::from_uuid))
    }

    async fn count_in_flight(&self, user_id: UserId) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM image_generations \
             WHERE user_id = $1 AND status NOT IN ('completed', 'failed', 'cancelled')",
        )
        .bind(user_id.as_uuid())
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn list_for_user(
        &self,
        user_id: UserId,
        before: Option<GenerationId>,
        limit: usize,
    ) -> StoreResult<Vec<Generation>> {
        let sql = format!(
            "SELECT {GENERATION_COLUMNS} FROM image_generations \
             WHERE user_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id.as_uuid())
            .bind(before.map(|b| b.as_uuid()))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(generation_from_row)
            .collect::<Result<_>>()?)
    }
}
