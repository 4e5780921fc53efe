//! The columns of `image_generations` as a generation binds them, for its insert and
//! its versioned update.

use imagegen_application::{Error, Result};
use imagegen_domain::Generation;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;

use crate::rows::{enum_text, to_json};

pub(crate) const INSERT: &str = "INSERT INTO image_generations (id, user_id, organization_id, prompt, \
    settings, provider, external_id, delivery_mode, status, progress, provider_outputs, outputs, \
    error, created_at, started_at, completed_at, updated_at, version, resubmitted) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

/// Only what moves change; `$18` is the new version, `$20` the expected one. A new
/// prediction (a resubmission) is polled afresh.
pub(crate) const UPDATE: &str = "UPDATE image_generations SET \
    poll_attempts = CASE WHEN external_id IS DISTINCT FROM $7 THEN 0 ELSE poll_attempts END, \
    next_poll_at = CASE WHEN external_id IS DISTINCT FROM $7 THEN NULL ELSE next_poll_at END, \
    external_id = $7, status = $9, \
    progress = $10, provider_outputs = $11, outputs = $12, error = $13, started_at = $15, \
    completed_at = $16, updated_at = $17, version = $18, resubmitted = $19 \
    WHERE id = $1 AND version = $20";

/// Binds every column of `generation` as `$1..$19`, in `INSERT`'s order.
pub(crate) fn bind_columns<'q>(
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
