//! Who is asking: the claims of a verified token.

use imagegen_domain::{Generation, OrganizationId, UserId};

/// The caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    /// May read everything and use `/admin`.
    Admin,
}

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub organization_id: OrganizationId,
    pub role: Role,
}

impl Caller {
    /// Whether the caller may read this generation: its owner, or an admin.
    pub fn can_read(&self, generation: &Generation) -> bool {
        self.role == Role::Admin || generation.user_id() == self.user_id
    }
}
