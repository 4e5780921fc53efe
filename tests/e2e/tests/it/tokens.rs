//! Tokens for tests that need more than a user's week-long one.

use imagegen_application::{Caller, Role};
use imagegen_bootstrap::JwtCodec;
use imagegen_domain::{OrganizationId, UserId};

use crate::support::{SECRET, User};

/// A token of `user` that expires `seconds` from now.
pub fn expiring_token(user: &User, seconds: i64) -> String {
    let caller = Caller {
        user_id: UserId::from_uuid(user.id),
        organization_id: OrganizationId::from_uuid(user.org),
        role: Role::User,
    };
    JwtCodec::new(SECRET.as_bytes())
        .issue(&caller, chrono::Duration::seconds(seconds))
        .unwrap()
}

/// A new user in `user`'s organization.
pub fn colleague_of(user: &User) -> User {
    let id = uuid::Uuid::new_v4();
    let caller = Caller {
        user_id: UserId::from_uuid(id),
        organization_id: OrganizationId::from_uuid(user.org),
        role: Role::User,
    };
    let token = JwtCodec::new(SECRET.as_bytes())
        .issue(&caller, chrono::Duration::minutes(10))
        .unwrap();
    User {
        id,
        org: user.org,
        token,
    }
}
