//! Contract of `ImageStore`: what is put reads back byte for byte.

use imagegen_application::ports::{ImageBlob, ImageStore};
use imagegen_domain::ImageId;

fn blob(bytes: &[u8]) -> ImageBlob {
    ImageBlob {
        content_type: "image/png".into(),
        bytes: bytes.to_vec(),
    }
}

/// The rule: A stored image reads back.
pub async fn a_stored_image_reads_back(store: &impl ImageStore) {
    let id = ImageId::random();
    store.put(id, &blob(b"\x89PNG...")).await.unwrap();
    assert_eq!(store.get(id).await.unwrap(), Some(blob(b"\x89PNG...")));
}

/// The rule: An unknown image is none.
pub async fn an_unknown_image_is_none(store: &impl ImageStore) {
    assert_eq!(store.get(ImageId::random()).await.unwrap(), None);
}

/// The rule: Putting again replaces.
pub async fn putting_again_replaces(store: &impl ImageStore) {
    let id = ImageId::random();
    store.put(id, &blob(b"one")).await.unwrap();
    store.put(id, &blob(b"two")).await.unwrap();
    assert_eq!(store.get(id).await.unwrap(), Some(blob(b"two")));
}
