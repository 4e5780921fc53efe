//! Contract of `Presence`: members join, renew, leave, and fall out when their lease
//! runs out; channels are apart.

use std::time::Duration;

use imagegen_application::Channel;
use imagegen_application::ports::{Presence, PresenceMember};
use imagegen_domain::{GenerationId, OrganizationId, UserId};
use uuid::Uuid;

fn member() -> PresenceMember {
    PresenceMember {
        connection_id: Uuid::new_v4(),
        user_id: UserId::from_uuid(Uuid::new_v4()),
    }
}

fn sorted(mut members: Vec<PresenceMember>) -> Vec<Uuid> {
    members.sort_by_key(|m| m.connection_id);
    members.iter().map(|m| m.connection_id).collect()
}

const LEASE: Duration = Duration::from_secs(30);

/// The rule: Members join renew and leave.
pub async fn members_join_renew_and_leave(presence: &impl Presence) {
    let channel = Channel::Organization(OrganizationId::from_uuid(Uuid::new_v4()));
    let other = Channel::Generation(GenerationId::new());
    let (a, b) = (member(), member());
    presence.join(&channel, a, LEASE).await.unwrap();
    presence.join(&channel, b, LEASE).await.unwrap();
    presence.join(&channel, a, LEASE).await.unwrap();
    assert_eq!(
        sorted(presence.members(&channel).await.unwrap()),
        sorted(vec![a, b]),
        "a renewal is not a second member"
    );
    assert!(
        presence.members(&other).await.unwrap().is_empty(),
        "channels are apart"
    );
    presence.leave(&channel, a).await.unwrap();
    assert_eq!(presence.members(&channel).await.unwrap(), vec![b]);
    presence.leave(&channel, b).await.unwrap();
    assert!(presence.members(&channel).await.unwrap().is_empty());
}

/// The rule: A member whose lease ran out is gone.
pub async fn a_member_whose_lease_ran_out_is_gone(presence: &impl Presence) {
    let channel = Channel::Generation(GenerationId::new());
    let (short, long) = (member(), member());
    presence
        .join(&channel, short, Duration::from_millis(100))
        .await
        .unwrap();
    presence.join(&channel, long, LEASE).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(presence.members(&channel).await.unwrap(), vec![long]);
}

/// The rule: expired members are taken once (two sweepers at once split them, never
/// share them), live ones stay, and the listing never shows an expired one meanwhile.
pub async fn expired_members_are_taken_once_and_live_ones_stay(presence: &impl Presence) {
    let channel = Channel::Generation(GenerationId::new());
    let (gone, live) = (member(), member());
    presence
        .join(&channel, gone, Duration::from_millis(100))
        .await
        .unwrap();
    presence.join(&channel, live, LEASE).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(presence.members(&channel).await.unwrap(), vec![live]);
    let (a, b) = tokio::join!(presence.take_expired(), presence.take_expired());
    let ours = |taken: Vec<(Channel, PresenceMember)>| -> Vec<PresenceMember> {
        (taken.into_iter())
            .filter(|(c, _)| *c == channel)
            .map(|(_, m)| m)
            .collect()
    };
    let (a, b) = (ours(a.unwrap()), ours(b.unwrap()));
    assert_eq!(
        [a, b].concat(),
        vec![gone],
        "the expired member is taken, by one sweeper"
    );
    assert!(ours(presence.take_expired().await.unwrap()).is_empty());
    assert_eq!(presence.members(&channel).await.unwrap(), vec![live]);
}
