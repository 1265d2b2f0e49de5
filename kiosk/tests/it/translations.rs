//! Every visible string of the UI has its English (the @tr strings against the .po file).

#[test]
fn every_visible_string_has_its_english() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let problems = hall_snapshot::translations::missing_english(
        &dir.join("ui"),
        &dir.join("translations/en/LC_MESSAGES/hall-kiosk.po"),
    )
    .unwrap();
    assert!(problems.is_empty(), "English is incomplete:\n{}", problems.join("\n"));
}
