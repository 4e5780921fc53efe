//! The model reference of a generation's settings.

use super::{MAX_MODEL_CHARS, SettingsError};

/// `owner/name` of a deployment: the model's form without a version.
pub(super) fn check_deployment(deployment: String) -> Result<String, SettingsError> {
    if deployment.contains(':') {
        return Err(SettingsError::Deployment(deployment));
    }
    check_model(deployment).map_err(|e| match e {
        SettingsError::Model(text) => SettingsError::Deployment(text),
        other => other,
    })
}

/// `owner/name` or `owner/name:<64 hex>`, each of owner and name starting with a letter
/// or digit, then letters, digits, `-`, `_` and `.`: the provider's own character set,
/// so a model can never be `.`, `..` or anything else that changes a URL path.
pub(super) fn check_model(model: String) -> Result<String, SettingsError> {
    let part_ok = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let (name, version) = match model.split_once(':') {
        Some((name, version)) => (name, Some(version)),
        None => (model.as_str(), None),
    };
    let version_ok =
        version.is_none_or(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()));
    let well_formed = model.len() <= MAX_MODEL_CHARS
        && version_ok
        && matches!(name.split_once('/'), Some((owner, rest)) if part_ok(owner) && part_ok(rest));
    if well_formed {
        Ok(model)
    } else {
        Err(SettingsError::Model(model))
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::{GenerationSettings, SettingsInput};

    #[test]
    fn a_deployment_is_an_owner_and_a_name_without_a_model_beside_it() {
        let parse = |deployment: &str, model: Option<&str>| {
            GenerationSettings::parse(SettingsInput {
                deployment: Some(deployment.into()),
                model: model.map(Into::into),
                ..Default::default()
            })
        };
        let settings = parse("acme/flux-prod", None).unwrap();
        assert_eq!(settings.deployment.as_deref(), Some("acme/flux-prod"));
        for bad in ["flux", "a/..", &format!("a/b:{}", "ab".repeat(32))] {
            assert!(parse(bad, None).is_err(), "{bad}");
        }
        assert!(
            parse("acme/flux-prod", Some("a/b")).is_err(),
            "one or the other"
        );
    }

    #[test]
    fn a_model_must_name_an_owner_and_a_name() {
        for bad in [
            "flux",
            "a/b/c",
            "/x",
            "own er/x",
            "./..",
            "../x",
            "a/..",
            ".a/b",
            "a/b:",
            "a/b:xyz",
            "a/b:../../x",
        ] {
            let input = SettingsInput {
                model: Some(bad.into()),
                ..Default::default()
            };
            assert!(GenerationSettings::parse(input).is_err(), "{bad}");
        }
        for good in [
            "black-forest-labs/flux-1.1-pro".to_owned(),
            format!("owner/name_2:{}", "ab12".repeat(16)),
        ] {
            let input = SettingsInput {
                model: Some(good.clone()),
                ..Default::default()
            };
            assert!(GenerationSettings::parse(input).is_ok(), "{good}");
        }
    }
}
