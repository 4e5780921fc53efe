//! Between rows and domain values: a row becomes a [`GenerationSnapshot`] column by
//! column and then a `Generation` through `Generation::restore`, which checks it.

use imagegen_application::Result;
use imagegen_domain::{
    ExternalId, Generation, GenerationId, GenerationSnapshot, OrganizationId, UserId,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use crate::error::{corrupt, unavailable};

/// The columns of `image_generations`, in the order [`generation_from_row`] reads.
pub(crate) const GENERATION_COLUMNS: &str = "id, user_id, organization_id, prompt, settings, \
    provider, external_id, delivery_mode, status, progress, provider_outputs, outputs, error, \
    created_at, started_at, completed_at, updated_at, version, resubmitted";

/// The wire name of a serde-named enum (`completed`, `webhook`, `simulator`...).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(other) => Err(imagegen_application::Error::bug(format!(
            "expected a string enum, got {other}"
        ))),
        Err(error) => Err(imagegen_application::Error::unexpected(
            "naming an enum value",
            error,
        )),
    }
}

/// Reads an enum back from its wire name.
pub(crate) fn enum_from_text<T: DeserializeOwned>(column: &str, text: String) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|e| corrupt(column, e))
}

fn column<'r, T>(row: &'r PgRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(name).map_err(unavailable)
}

fn json<T: DeserializeOwned>(row: &PgRow, name: &str) -> Result<T> {
    let Json(value): Json<serde_json::Value> = column(row, name)?;
    serde_json::from_value(value).map_err(|e| corrupt(name, e))
}

/// A stored generation, checked.
pub(crate) fn generation_from_row(row: &PgRow) -> Result<Generation> {
    let external_id: Option<String> = column(row, "external_id")?;
    let external_id = match external_id {
        Some(text) => Some(
            ExternalId::parse(text.clone())
                .ok_or_else(|| corrupt("external id", format!("{text:?} is not an id")))?,
        ),
        None => None,
    };
    let error: Option<Json<serde_json::Value>> = column(row, "error")?;
    let error = match error {
        Some(Json(value)) => Some(serde_json::from_value(value).map_err(|e| corrupt("error", e))?),
        None => None,
    };
    let progress: i16 = column(row, "progress")?;
    let version: i64 = column(row, "version")?;
    let snapshot = GenerationSnapshot {
        id: GenerationId::from_uuid(column(row, "id")?),
        user_id: UserId::from_uuid(column(row, "user_id")?),
        organization_id: OrganizationId::from_uuid(column(row, "organization_id")?),
        prompt: column(row, "prompt")?,
        settings: json(row, "settings")?,
        provider: enum_from_text("provider", column(row, "provider")?)?,
        external_id,
        delivery_mode: enum_from_text("delivery_mode", column(row, "delivery_mode")?)?,
        status: enum_from_text("status", column(row, "status")?)?,
        progress: u8::try_from(progress).map_err(|e| corrupt("progress", e))?,
        provider_outputs: json(row, "provider_outputs")?,
        outputs: json(row, "outputs")?,
        error,
        created_at: column(row, "created_at")?,
        started_at: column(row, "started_at")?,
        completed_at: column(row, "completed_at")?,
        updated_at: column(row, "updated_at")?,
        version: u64::try_from(version).map_err(|e| corrupt("version", e))?,
        resubmitted: column(row, "resubmitted")?,
    };
    Generation::restore(snapshot).map_err(|e| corrupt("generation", e))
}

/// A value as a JSONB parameter.
pub(crate) fn to_json<T: Serialize>(what: &str, value: &T) -> Result<Json<serde_json::Value>> {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| imagegen_application::Error::unexpected(format!("serializing {what}"), e))
}
