//! The user's prompt, validated once at the edge.

use serde::Serialize;

/// The longest prompt we accept, in characters.
pub const MAX_PROMPT_CHARS: usize = 2_000;

/// A prompt that is not blank and not too long; surrounding white space is trimmed.
/// Built only through [`Prompt::parse`] (it has no `Deserialize`, so no adapter can
/// skip the check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Prompt(String);

/// Why a prompt was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    /// Nothing but white space.
    #[error("the prompt is empty")]
    Empty,
    /// Longer than [`MAX_PROMPT_CHARS`].
    #[error("the prompt has {actual} characters; the limit is {max}")]
    TooLong {
        /// How many characters it has.
        actual: usize,
        /// The most it may have.
        max: usize,
    },
    /// Contains U+0000, which no store keeps as text and no model needs.
    #[error("the prompt contains a NUL character (U+0000)")]
    NulCharacter,
}

impl Prompt {
    /// Trims and checks a prompt.
    pub fn parse(raw: &str) -> Result<Self, PromptError> {
        let trimmed = raw.trim();
        let actual = trimmed.chars().count();
        if actual == 0 {
            Err(PromptError::Empty)
        } else if trimmed.contains('\0') {
            Err(PromptError::NulCharacter)
        } else if actual > MAX_PROMPT_CHARS {
            Err(PromptError::TooLong {
                actual,
                max: MAX_PROMPT_CHARS,
            })
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }

    /// The prompt text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_is_trimmed() {
        assert_eq!(Prompt::parse("  a red fox ").unwrap().as_str(), "a red fox");
    }

    #[test]
    fn a_blank_prompt_is_refused() {
        assert_eq!(Prompt::parse(" \n\t"), Err(PromptError::Empty));
    }

    #[test]
    fn a_prompt_with_a_nul_character_is_refused() {
        assert_eq!(
            Prompt::parse("a red\u{0}fox"),
            Err(PromptError::NulCharacter)
        );
    }

    #[test]
    fn a_prompt_of_exactly_the_limit_is_accepted() {
        assert!(Prompt::parse(&"é".repeat(MAX_PROMPT_CHARS)).is_ok());
    }

    #[test]
    fn a_prompt_over_the_limit_is_refused() {
        let err = Prompt::parse(&"a".repeat(MAX_PROMPT_CHARS + 1)).unwrap_err();
        assert_eq!(
            err,
            PromptError::TooLong {
                actual: 2_001,
                max: 2_000
            }
        );
    }
}
