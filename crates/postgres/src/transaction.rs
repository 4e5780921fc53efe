//! How every adapter ends a transaction: commit what succeeded, roll back at once what
//! failed (a dropped transaction rolls back only when its connection is next used, and
//! meanwhile holds its row locks and the event-append lock).

use imagegen_application::Error;
use sqlx::{Postgres, Transaction};

use crate::error::unavailable;

/// Commits `tx` when `outcome` is `Ok`, else rolls it back now and returns the error.
///
/// # Errors
/// `outcome`'s error; the commit's `Unavailable`.
pub(crate) async fn settle<T, E>(
    tx: Transaction<'static, Postgres>,
    outcome: Result<T, E>,
) -> Result<T, E>
where
    E: From<Error>,
{
    match outcome {
        Ok(value) => {
            tx.commit().await.map_err(|e| E::from(unavailable(e)))?;
            Ok(value)
        }
        Err(error) => {
            // Its own failure adds nothing to the error that caused it.
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}
