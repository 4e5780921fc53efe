//! Who is asking: the claims of a verified token.

use imagegen_domain::{Generation, OrganizationId, UserId};

/// The caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A user: its own generations and channels.
    User,
    /// May read everything and use `/admin`.
    Admin,
}

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// Who asks.
    pub user_id: UserId,
    /// Their organization.
    pub organization_id: OrganizationId,
    /// What they may do.
    pub role: Role,
}

impl Caller {
    /// Whether the caller may read this generation: its owner, a member of its
    /// organization, or an admin. The one access rule for a generation: REST, the
    /// realtime channels (an organization's channel carries its members' events) and
    /// what they reveal agree.
    pub fn can_read(&self, generation: &Generation) -> bool {
        self.role == Role::Admin
            || generation.user_id() == self.user_id
            || generation.organization_id() == self.organization_id
    }

    /// Lets admins through; anyone else is `Forbidden`, told that `what` is for admins.
    ///
    /// # Errors
    /// `Forbidden` for non-admins.
    pub fn admin_only(&self, what: &str) -> crate::Result<()> {
        match self.role {
            Role::Admin => Ok(()),
            _ => Err(crate::Error::Forbidden(format!("{what} are for admins"))),
        }
    }
}
