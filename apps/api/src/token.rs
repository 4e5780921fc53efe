//! `imagegen-api token`: mints a bearer token with `IMAGEGEN_JWT_SECRET`, for people
//! and scripts (the durable and distributed modes print none). Only the token goes to
//! standard output, so `TOKEN=$(imagegen-api token --user ...)` works.

use chrono::Duration;
use imagegen_application::{Caller, Role};
use imagegen_bootstrap::JwtCodec;
use imagegen_domain::{OrganizationId, UserId};
use uuid::Uuid;

/// What `imagegen-api token` takes.
#[derive(clap::Args)]
pub struct TokenArgs {
    /// The user the token stands for (its `sub`).
    #[arg(long)]
    user: Uuid,
    /// The user's organization (`org_id`); a new one when absent.
    #[arg(long)]
    org: Option<Uuid>,
    /// `user` or `admin` (an operator: sees every organization, runs /admin).
    #[arg(long, default_value = "user", value_parser = ["user", "admin"])]
    role: String,
    /// How long it is valid: `90s`, `30m`, `1h`, `7d` (at most the api's
    /// IMAGEGEN_TOKEN_MAX_LIFETIME_SECS, 30 days unless set).
    #[arg(long, default_value = "1h", value_parser = parse_ttl)]
    ttl: Duration,
}

/// `90s`, `30m`, `1h`, `7d`, or a number of seconds.
fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: i64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 90s, 30m, 1h or 7d"))?;
    let ttl = match unit {
        "s" => Duration::seconds(number),
        "m" => Duration::minutes(number),
        "h" => Duration::hours(number),
        "d" => Duration::days(number),
        _ => return Err(format!("`{text}`: the unit is one of s, m, h, d")),
    };
    if ttl <= Duration::zero() {
        return Err("the lifetime must be positive".into());
    }
    Ok(ttl)
}

/// The token, or why there is none.
///
/// # Errors
/// A message naming what to fix: `IMAGEGEN_JWT_SECRET` unset or too short.
pub fn mint(args: &TokenArgs) -> Result<String, String> {
    let secret = std::env::var("IMAGEGEN_JWT_SECRET").unwrap_or_default();
    if secret.len() < 32 {
        return Err(
            "IMAGEGEN_JWT_SECRET must be set to the api's secret (32+ characters)".to_owned(),
        );
    }
    let caller = Caller {
        user_id: UserId::from_uuid(args.user),
        organization_id: OrganizationId::from_uuid(args.org.unwrap_or_else(Uuid::new_v4)),
        role: if args.role == "admin" {
            Role::Admin
        } else {
            Role::User
        },
    };
    JwtCodec::new(secret.as_bytes())
        .issue(&caller, args.ttl)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_with_their_unit() {
        assert_eq!(parse_ttl("90s"), Ok(Duration::seconds(90)));
        assert_eq!(parse_ttl("30m"), Ok(Duration::minutes(30)));
        assert_eq!(parse_ttl("1h"), Ok(Duration::hours(1)));
        assert_eq!(parse_ttl("7d"), Ok(Duration::days(7)));
        assert_eq!(parse_ttl("600"), Ok(Duration::seconds(600)));
        assert!(parse_ttl("1w").is_err());
        assert!(parse_ttl("0s").is_err());
        assert!(parse_ttl("soon").is_err());
    }
}
