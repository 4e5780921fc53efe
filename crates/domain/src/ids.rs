//! Typed identifiers: a `GenerationId` can never be passed where a `UserId` is meant.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// A UUID tagged with the kind of thing it identifies.
pub struct Id<K> {
    value: Uuid,
    kind: PhantomData<fn() -> K>,
}

/// Marker for generation ids (UUID v7: time-ordered, so they index well).
pub enum GenerationKind {}
/// Marker for user ids (the JWT `sub`).
pub enum UserKind {}
/// Marker for organization ids (the JWT `org_id`).
pub enum OrganizationKind {}
/// Marker for stored image ids (UUID v4: unguessable, they appear in image URLs).
pub enum ImageKind {}

/// Identifies one generation.
pub type GenerationId = Id<GenerationKind>;
/// Identifies one user.
pub type UserId = Id<UserKind>;
/// Identifies one organization.
pub type OrganizationId = Id<OrganizationKind>;
/// Identifies one stored image.
pub type ImageId = Id<ImageKind>;

impl<K> Id<K> {
    /// Wraps an existing UUID.
    pub const fn from_uuid(value: Uuid) -> Self {
        Self {
            value,
            kind: PhantomData,
        }
    }

    /// The UUID inside.
    pub const fn as_uuid(&self) -> Uuid {
        self.value
    }
}

impl GenerationId {
    /// A new time-ordered id.
    pub fn new() -> Self {
        Self::from_uuid(Uuid::now_v7())
    }
}

impl Default for GenerationId {
    fn default() -> Self {
        Self::new()
    }
}

impl ImageId {
    /// A new random id.
    pub fn random() -> Self {
        Self::from_uuid(Uuid::new_v4())
    }
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<K> Eq for Id<K> {}
impl<K> std::hash::Hash for Id<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}
impl<K> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}
impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}
impl<K> FromStr for Id<K> {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self::from_uuid)
    }
}
impl<K> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}
impl<'de, K> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Uuid::deserialize(deserializer).map(Self::from_uuid)
    }
}

/// The provider's id for a prediction (Replicate: 26 lowercase alphanumerics; treated
/// as opaque).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExternalId(String);

impl ExternalId {
    /// Wraps the provider's id; `None` when it is empty.
    pub fn parse(value: impl Into<String>) -> Option<Self> {
        let value = value.into();
        (!value.trim().is_empty()).then_some(Self(value))
    }

    /// The id as the provider wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
