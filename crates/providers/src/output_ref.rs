//! What a provider output names: a URL to download, or an image inside one of
//! OpenAI's responses (its images come base64 in the response, so the output kept
//! with the generation is a reference, `openai:{response id}/images/{n}`, read when
//! the copy runs). Outputs are stored as text; this is their meaning.

use std::fmt;

const OPENAI_IMAGE: &str = "openai:";

/// A provider output, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputRef<'a> {
    /// Image `index` of OpenAI response `response_id`.
    OpenAiImage {
        /// The response (`resp_...`).
        response_id: &'a str,
        /// Which of its images.
        index: usize,
    },
    /// Anything else: a URL to download (checked by the fetcher, not here).
    Url(&'a str),
}

impl<'a> OutputRef<'a> {
    /// Reads a stored output. Text that looks like an OpenAI reference but is not a
    /// plausible one is a URL, which the fetcher then refuses.
    pub fn parse(output: &'a str) -> Self {
        let image = output
            .strip_prefix(OPENAI_IMAGE)
            .and_then(|rest| rest.split_once("/images/"))
            .filter(|(id, _)| {
                id.starts_with("resp_")
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
            .and_then(|(id, index)| Some((id, index.parse().ok()?)));
        match image {
            Some((response_id, index)) => Self::OpenAiImage { response_id, index },
            None => Self::Url(output),
        }
    }
}

impl fmt::Display for OutputRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OpenAiImage { response_id, index } => {
                write!(f, "{OPENAI_IMAGE}{response_id}/images/{index}")
            }
            Self::Url(url) => f.write_str(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_round_trip_and_strangers_are_urls() {
        let reference = OutputRef::OpenAiImage {
            response_id: "resp_abc123",
            index: 2,
        }
        .to_string();
        assert_eq!(
            OutputRef::parse(&reference),
            OutputRef::OpenAiImage {
                response_id: "resp_abc123",
                index: 2
            }
        );
        for other in [
            "https://example.com/x.png",
            "openai:resp_a/images/x",
            "openai:../images/0",
            "openai:resp_a/b/images/0",
        ] {
            assert_eq!(OutputRef::parse(other), OutputRef::Url(other), "{other}");
        }
    }
}
