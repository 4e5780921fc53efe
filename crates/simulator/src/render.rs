//! Renders real PNGs whose pixels depend on the prompt, the seed and the output index.

use image::{ImageBuffer, ImageFormat, Rgb};
use sha2::{Digest, Sha256};

/// A `width` x `height` PNG: a gradient between two colours and a few discs, all
/// chosen by hashing the prompt, seed and index. The same inputs give the same bytes.
pub fn render_png(prompt: &str, seed: u64, index: u32, width: u32, height: u32) -> Vec<u8> {
    let digest = Sha256::new()
        .chain_update(prompt.as_bytes())
        .chain_update(seed.to_le_bytes())
        .chain_update(index.to_le_bytes())
        .finalize();
    let d = |i: usize| digest[i % digest.len()];
    let (from, to) = ([d(0), d(1), d(2)], [d(3), d(4), d(5)]);
    let discs: Vec<(f32, f32, f32, [u8; 3])> = (0..4)
        .map(|k| {
            let b = 6 + k * 6;
            let x = f32::from(d(b)) / 255.0 * width as f32;
            let y = f32::from(d(b + 1)) / 255.0 * height as f32;
            let r = (f32::from(d(b + 2)) / 255.0 * 0.25 + 0.05) * width.min(height) as f32;
            (x, y, r, [d(b + 3), d(b + 4), d(b + 5)])
        })
        .collect();
    let span = (width + height).max(1) as f32;
    let buffer = ImageBuffer::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        if let Some(&(_, _, _, colour)) = discs
            .iter()
            .find(|(cx, cy, r, _)| (fx - cx).powi(2) + (fy - cy).powi(2) <= r * r)
        {
            return Rgb(colour);
        }
        let t = (fx + fy) / span;
        let mix = |a: u8, b: u8| (f32::from(a) * (1.0 - t) + f32::from(b) * t) as u8;
        Rgb([
            mix(from[0], to[0]),
            mix(from[1], to[1]),
            mix(from[2], to[2]),
        ])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    // Writing a PNG into memory only fails on allocation failure.
    if buffer.write_to(&mut bytes, ImageFormat::Png).is_err() {
        return Vec::new();
    }
    bytes.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_has_the_requested_size_and_decodes() {
        let png = render_png("a fox", 7, 0, 96, 64);
        let decoded = image::load_from_memory_with_format(&png, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (96, 64));
    }

    #[test]
    fn the_same_inputs_give_the_same_image() {
        assert_eq!(
            render_png("a fox", 7, 0, 64, 64),
            render_png("a fox", 7, 0, 64, 64)
        );
    }

    #[test]
    fn another_prompt_or_seed_gives_another_image() {
        let base = render_png("a fox", 7, 0, 64, 64);
        assert_ne!(base, render_png("a cat", 7, 0, 64, 64));
        assert_ne!(base, render_png("a fox", 8, 0, 64, 64));
    }
}
