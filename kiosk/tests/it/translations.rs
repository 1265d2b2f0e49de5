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

/// English counts what it names: "1 matter" beside "6 matters", "1 working day" beside "30
/// working days", "Window 4" beside "Windows 2, 3" (slint's counted `@tr`, the .po's plural
/// forms), on the home, department and matter screens.
#[test]
fn english_says_one_thing_and_many_things() {
    use hall_kiosk::controller::{Input, Kiosk, Settings};
    use hall_kiosk::screenshots::sample_catalog;
    use hall_kiosk::view::View;
    use slint::ComponentHandle;
    let (_guard, ui) = crate::screen::bare_window();
    ui.window().set_size(slint::PhysicalSize::new(1920, 1080));
    let mut catalog = sample_catalog();
    let mut lone = catalog.services.iter().find(|s| s.id == "mz-dibao").unwrap().clone();
    (lone.id, lone.name, lone.department, lone.department_id) =
        ("one-matter".into(), "唯一事项".into(), "单一部门".into(), "single".into());
    (lone.windows, lone.time_limit_days) = (vec!["w04".into()], 1);
    catalog.services.push(lone);
    let minzheng = catalog.services.iter().filter(|s| s.department_id == "minzheng").count();
    let mut now = std::time::Instant::now();
    let mut kiosk = Kiosk::new(Settings { english: true, ..Default::default() }, now);
    kiosk.apply(Input::Catalog(Box::new(catalog)), now);
    let mut check = |input: Option<Input>, shown: &[&str], not_shown: &[&str]| {
        now += std::time::Duration::from_millis(300);
        if let Some(input) = input {
            kiosk.apply(input, now);
        }
        View::of(&kiosk, "09:42").show(&ui);
        ui.window().take_snapshot().unwrap();
        for text in shown {
            assert!(!hall_snapshot::geometry::labelled(&ui, text).is_empty(), "`{text}` shown");
        }
        for text in not_shown {
            assert!(hall_snapshot::geometry::labelled(&ui, text).is_empty(), "`{text}` shown");
        }
    };
    check(None, &["1 matter", &format!("{minzheng} matters")], &["1 matters"]);
    check(Some(Input::Department("single".into())), &["1 working day", "Window 4"], &["1 working days"]);
    check(Some(Input::Matter("one-matter".into())), &["1 working day"], &["1 working days"]);
    check(Some(Input::Home), &[], &[]);
    check(Some(Input::Department("minzheng".into())), &["30 working days", "Windows 2, 3"], &["Window 2, 3"]);
    hall_kiosk::select_language(false).unwrap();
}
