//! Settings checked for the provider that will run them: OpenAI's image tool makes
//! one image of three sizes and chooses its model itself, so a Replicate model, a
//! deployment or a deadline sent with it is refused rather than ignored.

use super::{GenerationSettings, SettingsError, SettingsInput};
use crate::ProviderName;

/// The sizes OpenAI's image tool makes; the first is its default.
pub const OPENAI_SIZES: [&str; 3] = ["1024x1024", "1024x1536", "1536x1024"];
/// What the `model` of an OpenAI generation says: its image tool's model.
pub const OPENAI_IMAGE_MODEL: &str = "openai/gpt-image-1";

impl GenerationSettings {
    /// Applies defaults and checks every setting for `provider`.
    ///
    /// # Errors
    /// As [`GenerationSettings::parse`]; for OpenAI also `NotForProvider` (a model,
    /// deployment or deadline), `SizeForProvider` and `Count` (more than one image).
    pub fn parse_for(
        provider: ProviderName,
        mut input: SettingsInput,
    ) -> Result<Self, SettingsError> {
        if provider != ProviderName::OpenAi {
            return Self::parse(input);
        }
        let given = [
            ("model", input.model.is_some()),
            ("deployment", input.deployment.is_some()),
            ("deadline_seconds", input.deadline_seconds.is_some()),
        ];
        if let Some((setting, _)) = given.into_iter().find(|(_, given)| *given) {
            return Err(SettingsError::NotForProvider { setting, provider });
        }
        let size = input.size.get_or_insert_with(|| OPENAI_SIZES[0].to_owned());
        if !OPENAI_SIZES.contains(&size.as_str()) {
            return Err(SettingsError::SizeForProvider {
                given: size.clone(),
                provider,
                supported: OPENAI_SIZES.join(", "),
            });
        }
        if let Some(count) = input.count.filter(|count| *count != 1) {
            return Err(SettingsError::Count(count));
        }
        let mut settings = Self::parse(input)?;
        settings.model = OPENAI_IMAGE_MODEL.to_owned();
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openai(input: SettingsInput) -> Result<GenerationSettings, SettingsError> {
        GenerationSettings::parse_for(ProviderName::OpenAi, input)
    }

    #[test]
    fn openai_takes_its_own_sizes_and_one_image() {
        let settings = openai(SettingsInput::default()).unwrap();
        assert_eq!(
            (settings.size.to_string(), settings.model.as_str()),
            ("1024x1024".into(), OPENAI_IMAGE_MODEL)
        );
        let tall = SettingsInput {
            size: Some("1024x1536".into()),
            ..SettingsInput::default()
        };
        assert_eq!(openai(tall).unwrap().size.to_string(), "1024x1536");
        let small = SettingsInput {
            size: Some("512x512".into()),
            ..SettingsInput::default()
        };
        assert!(matches!(
            openai(small),
            Err(SettingsError::SizeForProvider { .. })
        ));
        let two = SettingsInput {
            count: Some(2),
            ..SettingsInput::default()
        };
        assert_eq!(openai(two), Err(SettingsError::Count(2)));
    }

    #[test]
    fn replicate_only_settings_are_refused_for_openai_and_kept_for_replicate() {
        let model = SettingsInput {
            model: Some("owner/name".into()),
            ..SettingsInput::default()
        };
        assert!(matches!(
            openai(model.clone()),
            Err(SettingsError::NotForProvider {
                setting: "model",
                ..
            })
        ));
        let replicate = GenerationSettings::parse_for(ProviderName::Replicate, model).unwrap();
        assert_eq!(replicate.model, "owner/name");
    }
}
