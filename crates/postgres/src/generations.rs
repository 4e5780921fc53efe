//! `GenerationRepository`: the aggregate's row, saved with its events and jobs in one
//! transaction, with optimistic concurrency on `version`.

use async_trait::async_trait;
use imagegen_application::ports::{GenerationRepository, NewJob, expected_version};
use imagegen_application::{Error, Result};
use imagegen_domain::{EventEnvelope, ExternalId, Generation, GenerationId, ProviderName, UserId};
use sqlx::PgConnection;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;

use crate::PgStore;
use crate::error::{is_unique_violation, unavailable};
use crate::job_rows::insert_job;
use crate::outbox::{JobDestination, insert_outbox};
use crate::rows::{GENERATION_COLUMNS, enum_text, generation_from_row, to_json};

const INSERT: &str = "INSERT INTO image_generations (id, user_id, organization_id, prompt, \
    settings, provider, external_id, delivery_mode, status, progress, provider_outputs, outputs, \
    error, created_at, started_at, completed_at, updated_at, version, resubmitted) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

/// Only what moves change; `$18` is the new version, `$20` the expected one. A new
/// prediction (a resubmission) is polled afresh.
const UPDATE: &str = "UPDATE image_generations SET \
    poll_attempts = CASE WHEN external_id IS DISTINCT FROM $7 THEN 0 ELSE poll_attempts END, \
    next_poll_at = CASE WHEN external_id IS DISTINCT FROM $7 THEN NULL ELSE next_poll_at END, \
    external_id = $7, status = $9, \
    progress = $10, provider_outputs = $11, outputs = $12, error = $13, started_at = $15, \
    completed_at = $16, updated_at = $17, version = $18, resubmitted = $19 \
    WHERE id = $1 AND version = $20";

/// Binds every column of `generation` as `$1..$19`, in `INSERT`'s order.
fn bind_columns<'q>(
    sql: &'q str,
    generation: &Generation,
) -> Result<Query<'q, sqlx::Postgres, PgArguments>> {
    let s = generation.snapshot();
    let version = i64::try_from(s.version).map_err(|e| Error::unexpected("version", e))?;
    Ok(sqlx::query(sql)
        .bind(s.id.as_uuid())
        .bind(s.user_id.as_uuid())
        .bind(s.organization_id.as_uuid())
        .bind(s.prompt)
        .bind(to_json("settings", &s.settings)?)
        .bind(enum_text(&s.provider)?)
        .bind(s.external_id.map(|e| e.as_str().to_owned()))
        .bind(enum_text(&s.delivery_mode)?)
        .bind(s.status.as_str())
        .bind(i16::from(s.progress))
        .bind(to_json("provider outputs", &s.provider_outputs)?)
        .bind(to_json("outputs", &s.outputs)?)
        .bind(match &s.error {
            Some(error) => Some(to_json("error", error)?),
            None => None,
        })
        .bind(s.created_at)
        .bind(s.started_at)
        .bind(s.completed_at)
        .bind(s.updated_at)
        .bind(version)
        .bind(s.resubmitted))
}

impl PgStore {
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
    ) -> Result<()> {
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
                Error::VersionConflict {
                    id: id.to_string(),
                    expected,
                }
            } else {
                Error::NotFound { what: "generation" }
            });
        }
        self.insert_jobs(tx, jobs).await?;
        // Last, so that the append lock is held for as short a time as possible.
        crate::events::append(tx, events).await
    }
}

#[async_trait]
impl GenerationRepository for PgStore {
    #[tracing::instrument(name = "pg.create_generation", skip_all, fields(generation.id = %generation.id()))]
    async fn create(&self, generation: &Generation, jobs: &[NewJob]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let inserted = bind_columns(INSERT, generation)?.execute(&mut *tx).await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                return Err(Error::VersionConflict {
                    id: generation.id().to_string(),
                    expected: 0,
                });
            }
            Err(error) => return Err(unavailable(error)),
        }
        if let Err(error) = self.insert_jobs(&mut tx, jobs).await {
            let _ = tx.rollback().await;
            return Err(error);
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn get(&self, id: GenerationId) -> Result<Option<Generation>> {
        let sql = format!("SELECT {GENERATION_COLUMNS} FROM image_generations WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(generation_from_row).transpose()
    }

    #[tracing::instrument(name = "pg.save_generation", skip_all, fields(generation.id = %generation.id()))]
    async fn save(
        &self,
        generation: &Generation,
        events: &[EventEnvelope],
        jobs: &[NewJob],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        match self.save_in(&mut tx, generation, events, jobs).await {
            Ok(()) => tx.commit().await.map_err(unavailable),
            Err(error) => {
                // Release the row and the append lock now, not when the connection is
                // next used (a dropped transaction rolls back lazily).
                let _ = tx.rollback().await;
                Err(error)
            }
        }
    }

    async fn find_by_external_id(
        &self,
        provider: ProviderName,
        external_id: &ExternalId,
    ) -> Result<Option<GenerationId>> {
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

    async fn count_in_flight(&self, user_id: UserId) -> Result<u64> {
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
    ) -> Result<Vec<Generation>> {
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
        rows.iter().map(generation_from_row).collect()
    }
}
