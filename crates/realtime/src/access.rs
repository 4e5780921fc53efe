//! Which channels a caller may watch: its own user and organization, generations it may
//! read, and `system`. Admins may watch anything.

use imagegen_application::ports::GenerationRepository;
use imagegen_application::{Caller, Channel, Error, Result, Role};

/// Checks every channel.
///
/// # Errors
/// `Forbidden` naming the first channel the caller may not watch (a generation that
/// does not exist is forbidden too, so ids are not confirmed); the repository's errors.
pub async fn authorize_channels(
    caller: &Caller,
    channels: &[Channel],
    repository: &dyn GenerationRepository,
) -> Result<()> {
    if caller.role == Role::Admin {
        return Ok(());
    }
    for channel in channels {
        let allowed = match channel {
            Channel::User(id) => *id == caller.user_id,
            Channel::Organization(id) => *id == caller.organization_id,
            Channel::System => true,
            Channel::Generation(id) => repository
                .get(*id)
                .await?
                .is_some_and(|generation| caller.can_read(&generation)),
        };
        if !allowed {
            return Err(Error::Forbidden(format!(
                "you may not watch channel {channel}"
            )));
        }
    }
    Ok(())
}
