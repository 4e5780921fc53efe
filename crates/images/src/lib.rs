//! What imagegen accepts as an image: PNG, JPEG or WebP bytes whose header decodes.
//! Its own crate so that the adapters receiving image bytes (the download of a
//! provider's output URL in `imagegen-storage`, OpenAI's base64 images in
//! `imagegen-providers`) share one rule without depending on each other.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use imagegen_application::ports::{FetchError, FetchedImage};

/// Checks that `bytes` are an image we keep (PNG, JPEG, WebP) and reads its size.
///
/// # Errors
/// [`FetchError::Refused`] when they are not.
pub fn inspect_image(bytes: Vec<u8>) -> Result<FetchedImage, FetchError> {
    let format = image::guess_format(&bytes).map_err(|_| refused("the body is not an image"))?;
    let content_type = match format {
        image::ImageFormat::Png => "image/png",
        image::ImageFormat::Jpeg => "image/jpeg",
        image::ImageFormat::WebP => "image/webp",
        other => return Err(refused(format!("image format {other:?} is not accepted"))),
    };
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format)
        .into_dimensions()
        .map_err(|e| refused(format!("the image does not decode: {e}")))?;
    Ok(FetchedImage {
        bytes,
        content_type: content_type.to_owned(),
        width,
        height,
    })
}

fn refused(message: impl Into<String>) -> FetchError {
    FetchError::Refused {
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_refused_and_not_retried() {
        let error = inspect_image(b"<html>no</html>".to_vec()).unwrap_err();
        assert!(matches!(error, FetchError::Refused { .. }), "{error:?}");
    }

    #[test]
    fn a_png_is_read_with_its_size() {
        let mut bytes = Vec::new();
        image::RgbImage::new(3, 2)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        let image = inspect_image(bytes).unwrap();
        assert_eq!(
            (image.content_type.as_str(), image.width, image.height),
            ("image/png", 3, 2)
        );
    }
}
