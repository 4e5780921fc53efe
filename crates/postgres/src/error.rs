//! The crate's error (connecting and migrating) and the mapping of sqlx errors to the
//! port errors that adapters return.

use imagegen_application::Error;

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum PostgresError {
    /// The URL does not parse.
    #[error("not a valid Postgres URL")]
    InvalidUrl(#[source] sqlx::Error),
    /// The server did not answer.
    #[error("cannot connect to the database at {target}")]
    Connect {
        /// Where it tried: the socket file, or host and port (never the password).
        target: String,
        /// The driver's error: refused, rejected user, no such socket...
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A database failure as a port error, with the sqlx error kept as the source:
/// `Unavailable` (retry later), except a value the database refuses as data (SQLSTATE
/// class 22, such as `22021` or `22P05` for text it cannot hold), which no retry
/// fixes: `Unexpected`, never "database unavailable".
pub(crate) fn unavailable(error: sqlx::Error) -> Error {
    if is_undecodable(&error) {
        return Error::corrupt("row", error);
    }
    if is_data_exception(&error) {
        return Error::unexpected("the database refused a value", error);
    }
    Error::unavailable("database", error)
}

/// Whether a row came back that its reader cannot decode: a column missing, of another
/// type, or holding a value its Rust type refuses. The row stays as it is, so a retry
/// reads the same bytes: never "unavailable".
fn is_undecodable(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::TypeNotFound { .. }
    )
}

/// Whether Postgres refused a value as data (SQLSTATE class 22).
fn is_data_exception(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("22")))
}

/// Whether the error is a unique-constraint violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A stored value this version cannot read: a bug or a corrupt row, never the caller's.
pub(crate) fn corrupt(
    what: &str,
    source: impl Into<imagegen_application::error::BoxError>,
) -> Error {
    Error::corrupt(what, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_that_does_not_decode_is_corrupt_and_never_retried() {
        let error = unavailable(sqlx::Error::ColumnDecode {
            index: "\"status\"".into(),
            source: "not a status".into(),
        });
        assert!(matches!(error, Error::Corrupt { .. }), "{error:?}");
        assert!(!error.is_transient());
        assert!(
            std::error::Error::source(&error).is_some(),
            "the cause is kept"
        );
    }

    #[test]
    fn a_closed_pool_is_unavailable_and_retried() {
        let error = unavailable(sqlx::Error::PoolClosed);
        assert!(matches!(error, Error::Unavailable { .. }), "{error:?}");
        assert!(error.is_transient());
    }
}
