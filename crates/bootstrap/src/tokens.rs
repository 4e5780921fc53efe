//! HS256 bearer tokens: `sub` (user UUID), `org_id`, `role`, `exp` (the shape Supabase
//! Auth issues, with the organization as a claim).

use chrono::{Duration, Utc};
use imagegen_application::{Caller, Role};
use imagegen_domain::{OrganizationId, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The claims we read and write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: Uuid,
    /// The user's organization.
    pub org_id: Uuid,
    /// `user` or `admin`.
    pub role: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
}

/// Why a token was refused. Deliberately vague towards clients.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Not a token we signed, expired, or malformed.
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// A role other than `user` and `admin`.
    #[error("unknown role `{0}`")]
    Role(String),
    /// Valid for longer than the configured cap allows.
    #[error("the token is valid for longer than {0} seconds")]
    TooLong(i64),
}

/// The longest a token may still be valid, unless configured otherwise: 30 days.
pub const DEFAULT_TOKEN_MAX_LIFETIME_DAYS: i64 = 30;

/// Issues and verifies tokens with one shared secret.
#[derive(Clone)]
pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// A token whose `exp` is further away than this is refused.
    max_lifetime: Duration,
}

impl JwtCodec {
    /// Signs and verifies HS256 tokens with `secret`; tokens valid for more than the
    /// default cap (30 days) are refused.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 30;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            max_lifetime: Duration::days(DEFAULT_TOKEN_MAX_LIFETIME_DAYS),
        }
    }

    /// Refuses tokens still valid for longer than `max_lifetime`.
    #[must_use]
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }

    /// A token for `caller`, valid for `ttl`.
    ///
    /// # Errors
    /// Only if signing fails, which HS256 does not.
    pub fn issue(&self, caller: &Caller, ttl: Duration) -> Result<String, TokenError> {
        let claims = Claims {
            sub: caller.user_id.as_uuid(),
            org_id: caller.organization_id.as_uuid(),
            role: match caller.role {
                Role::User => "user".into(),
                Role::Admin => "admin".into(),
            },
            exp: (Utc::now() + ttl).timestamp(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The caller a token stands for.
    ///
    /// # Errors
    /// `Invalid` for a bad signature, an expired token or missing claims; `Role` for an
    /// unknown role.
    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        self.verify_with_expiry(token).map(|(caller, _)| caller)
    }

    /// The caller a token stands for, and when the token expires (a stream opened with
    /// it is closed then).
    ///
    /// # Errors
    /// As [`JwtCodec::verify`].
    pub fn verify_with_expiry(
        &self,
        token: &str,
    ) -> Result<(Caller, chrono::DateTime<Utc>), TokenError> {
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or_default();
        if expires_at - Utc::now() > self.max_lifetime {
            return Err(TokenError::TooLong(self.max_lifetime.num_seconds()));
        }
        let role = match claims.role.as_str() {
            "user" | "authenticated" => Role::User,
            "admin" => Role::Admin,
            other => return Err(TokenError::Role(other.to_owned())),
        };
        let caller = Caller {
            user_id: UserId::from_uuid(claims.sub),
            organization_id: OrganizationId::from_uuid(claims.org_id),
            role,
        };
        Ok((caller, expires_at))
    }
}

impl JwtCodec {
    /// A week-long token for a new development user (printed in embedded mode).
    ///
    /// # Errors
    /// As [`JwtCodec::issue`].
    pub fn dev_token(&self) -> Result<String, crate::BootstrapError> {
        let caller = Caller {
            user_id: UserId::from_uuid(Uuid::new_v4()),
            organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
            role: Role::User,
        };
        self.issue(&caller, Duration::days(7)).map_err(|e| {
            crate::BootstrapError::unusable("IMAGEGEN_JWT_SECRET", "cannot sign a token", e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> Caller {
        Caller {
            user_id: UserId::from_uuid(Uuid::new_v4()),
            organization_id: OrganizationId::from_uuid(Uuid::new_v4()),
            role: Role::Admin,
        }
    }

    #[test]
    fn an_issued_token_verifies_to_its_caller() {
        let codec = JwtCodec::new(b"a-secret-of-reasonable-length-123");
        let token = codec.issue(&caller(), Duration::minutes(5)).unwrap();
        let back = codec.verify(&token).unwrap();
        assert_eq!(back.role, Role::Admin);
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let token = JwtCodec::new(b"one-secret-one-secret-one-secret")
            .issue(&caller(), Duration::minutes(5))
            .unwrap();
        assert!(
            JwtCodec::new(b"two-secret-two-secret-two-secret")
                .verify(&token)
                .is_err()
        );
    }

    #[test]
    fn a_token_valid_for_longer_than_the_cap_is_refused() {
        let codec = JwtCodec::new(b"a-secret-of-reasonable-length-123")
            .with_max_lifetime(Duration::hours(1));
        let ten_years = codec.issue(&caller(), Duration::days(3650)).unwrap();
        assert!(matches!(
            codec.verify(&ten_years),
            Err(TokenError::TooLong(3600))
        ));
        let short = codec.issue(&caller(), Duration::minutes(50)).unwrap();
        assert!(codec.verify(&short).is_ok());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let codec = JwtCodec::new(b"a-secret-of-reasonable-length-123");
        let token = codec.issue(&caller(), Duration::minutes(-10)).unwrap();
        assert!(codec.verify(&token).is_err());
    }
}
