//! Settings: defaults, sizes, deadlines.

use super::*;

#[test]
fn missing_settings_take_the_defaults() {
    let settings = GenerationSettings::parse(SettingsInput::default()).unwrap();
    assert_eq!(settings, GenerationSettings::default());
}

#[test]
fn a_size_is_read_as_width_by_height() {
    let size: ImageSize = "640x320".parse().unwrap();
    assert_eq!((size.width, size.height), (640, 320));
}

#[test]
fn a_size_outside_the_edge_range_is_refused() {
    assert!("32x512".parse::<ImageSize>().is_err());
    assert!("512x4096".parse::<ImageSize>().is_err());
    assert!("big".parse::<ImageSize>().is_err());
}

#[test]
fn a_deadline_must_be_from_5_seconds_to_a_day() {
    for (deadline, ok) in [(4, false), (5, true), (86_400, true), (86_401, false)] {
        let input = SettingsInput {
            deadline_seconds: Some(deadline),
            ..Default::default()
        };
        assert_eq!(GenerationSettings::parse(input).is_ok(), ok, "{deadline}");
    }
}

#[test]
fn a_count_of_zero_is_refused() {
    let input = SettingsInput {
        count: Some(0),
        ..Default::default()
    };
    assert_eq!(
        GenerationSettings::parse(input),
        Err(SettingsError::Count(0))
    );
}
