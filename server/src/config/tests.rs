use super::*;

const SMALL: &str = r#"[hall]
name = "测试镇便民服务中心"

[[departments]]
id = "minzheng"
name = "民政"

[[queues]]
id = "mz"
prefix = "B"
name = "民政"

[[windows]]
id = "w01"
number = 1
name = "民政窗口"
department = "minzheng"

[[matters]]
id = "mz-dibao"
name = "最低生活保障申请"
department = "minzheng"
queue = "mz"
windows = ["w01"]
time_limit_days = 20
materials = [{ name = "身份证", kind = "main" }]
"#;

/// Replaces `from` by `to` in the small hall and expects an error at `line` mentioning `needle`.
fn check(from: &str, to: &str, line: usize, needle: &str) {
    assert!(SMALL.contains(from), "{from} not in the small hall");
    let text = SMALL.replacen(from, to, 1);
    let err = parse(&text, "hall.toml").expect_err("should be refused");
    assert_eq!(err.file, "hall.toml");
    assert_eq!(err.line, line, "{err}");
    assert!(err.message.contains(needle), "{err} should mention {needle}");
}

#[test]
fn the_small_hall_is_valid() {
    let hall = parse(SMALL, "hall.toml").unwrap();
    assert_eq!(hall.windows[0].number, 1);
    assert_eq!(hall.policy, Policy::default());
    assert_eq!(hall.timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(hall.window_queues("w01")[0].0.id, "mz");
}

#[test]
fn mistakes_name_their_line() {
    check(
        r#"department = "minzheng"
queue"#,
        r#"department = "minzhen"
queue"#,
        22,
        "unknown department `minzhen`",
    );
    check(r#"windows = ["w01"]"#, r#"windows = ["w09"]"#, 24, "unknown window `w09`");
    check(r#"queue = "mz""#, r#"queue = "zz""#, 23, "unknown queue");
    check(r#"prefix = "B""#, r#"prefix = "BB""#, 10, "one letter");
    check("number = 1", "number = 0", 15, "between 1 and 999");
    check("number = 1", r#"number = "one""#, 15, "invalid type");
    check(r#"kind = "main""#, r#"kind = "aux""#, 26, "main material");
    check("time_limit_days = 20", "time_limit_dayz = 20", 25, "unknown field");
    check(r#"name = "测试镇便民服务中心""#, "name = \"测试\"\ntimezone = \"Mars/Base\"", 3, "unknown time zone");
    check(r#"id = "w01""#, r#"id = "w 01""#, 14, "ASCII");
}

#[test]
fn a_fee_left_blank_is_published_as_free() {
    // R19: what is charged is said with every matter; blank, as left out, is 不收费 (a hall file
    // or a saved hall with `fee = ""` still starts).
    for fee in ["", "fee = \" \"\n"] {
        let hall =
            parse(&SMALL.replacen("time_limit_days = 20\n", &format!("time_limit_days = 20\n{fee}"), 1), "h").unwrap();
        assert_eq!(hall.matter("mz-dibao").unwrap().fee, "不收费", "{fee:?}");
    }
}

#[test]
fn duplicates_are_refused() {
    let text = SMALL.replace(
        "[[matters]]",
        "[[windows]]\nid = \"w01\"\nnumber = 2\nname = \"x\"\ndepartment = \"minzheng\"\n\n[[matters]]",
    );
    let err = parse(&text, "h.toml").unwrap_err();
    assert!(err.message.contains("duplicate window id `w01`"), "{err}");
}

#[test]
fn a_window_with_no_matter_is_refused() {
    let text = SMALL.replace(
        "[[matters]]",
        "[[windows]]\nid = \"w02\"\nnumber = 2\nname = \"空窗口\"\ndepartment = \"minzheng\"\n\n[[matters]]",
    );
    let err = parse(&text, "h.toml").unwrap_err();
    assert!(err.message.contains("handles no matter"), "{err}");
    assert_eq!(err.line, 20);
}

#[test]
fn bad_password_hash_is_refused() {
    let text =
        format!("{SMALL}\n[[staff]]\nusername = \"a\"\nname = \"甲\"\nrole = \"clerk\"\npassword_hash = \"plain\"\n");
    let err = parse(&text, "h.toml").unwrap_err();
    assert!(err.message.contains("hash-password"), "{err}");
}

#[test]
fn errors_display_file_line_and_column() {
    let err = parse("[hall\n", "x.toml").unwrap_err();
    assert!(err.to_string().starts_with("x.toml:1:"), "{err}");
}

#[test]
fn the_sample_hall_is_valid_and_complete() {
    let hall = sample();
    assert!(hall.windows.len() >= 8);
    assert!(hall.matters.len() >= 20);
    assert!(hall.matters.iter().any(|m| m.windows.len() >= 2));
    for dept in ["民政", "残联", "住建", "卫健", "林业", "人社", "综合受理"] {
        assert!(hall.departments.iter().any(|d| d.name.contains(dept)), "{dept}");
    }
    for w in &hall.windows {
        let clerk = format!("clerk{}", w.number);
        assert!(hall.staff(&clerk).is_some_and(|s| s.demo), "{clerk}");
    }
}

#[test]
fn staff_photos_must_exist_beside_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zhang.png"), b"png").unwrap();
    let staff = |photo: &str| {
        format!(
            "{SMALL}\n[[staff]]\nusername = \"a\"\nname = \"甲\"\nrole = \"clerk\"\nphoto = \"{photo}\"\n\
             password_hash = \"$argon2id$v=19$m=19456,t=2,p=1$3cCNITORIrAVyxjICqXFRg$uNt4jP9g97Fx3iuFLxOWf8MPZpMCKI8WAFkYFs3DAGA\"\ndemo = true\n"
        )
    };
    let hall = parse_in(&staff("zhang.png"), "h.toml", Some(dir.path())).unwrap();
    assert_eq!(hall.staff[0].photo.as_deref(), Some(dir.path().join("zhang.png").as_path()));
    let err = parse_in(&staff("li.png"), "h.toml", Some(dir.path())).unwrap_err();
    assert!(err.message.contains("no photo `li.png`"), "{err}");
    assert!(!err.message.contains(&dir.path().display().to_string()), "no path in the message: {err}");
    assert_eq!(err.line, 32);
    let err = parse_in(&staff("zhang.gif"), "h.toml", Some(dir.path())).unwrap_err();
    assert!(err.message.contains(".jpg or .png"), "{err}");
    // One folder only: no path anywhere else.
    for outside in ["/tmp/hall-photo-outside.png", "../zhang.png", "sub/zhang.png"] {
        let err = parse_in(&staff(outside), "h.toml", Some(dir.path())).unwrap_err();
        assert!(err.message.contains("no path"), "{outside}: {err}");
    }
    let err = parse_in(&staff("zhang.png"), "h.toml", None).unwrap_err();
    assert!(err.message.contains("configuration folder"), "{err}");
}

#[test]
fn general_inquiry_names_a_known_matter() {
    assert_eq!(parse(SMALL, "hall.toml").unwrap().general_inquiry, None);
    let ok = SMALL.replacen(
        "name = \"测试镇便民服务中心\"",
        "name = \"测试镇便民服务中心\"\ngeneral_inquiry = \"mz-dibao\"",
        1,
    );
    assert_eq!(parse(&ok, "hall.toml").unwrap().general_inquiry.as_deref(), Some("mz-dibao"));
    let bad = SMALL.replacen(
        "name = \"测试镇便民服务中心\"",
        "name = \"测试镇便民服务中心\"\ngeneral_inquiry = \"zixun\"",
        1,
    );
    let err = parse(&bad, "hall.toml").unwrap_err();
    assert_eq!((err.line, err.column), (3, 19), "{err}");
    assert!(err.message.contains("unknown general_inquiry matter `zixun`"), "{err}");
    assert!(err.to_string().starts_with("hall.toml:3:19: "), "{err}");
    assert_eq!(sample().general_inquiry.as_deref(), Some("zh-zixun"));
}

#[test]
fn complaint_deadlines_are_the_policys() {
    let hall = parse(SMALL, "hall.toml").unwrap();
    assert_eq!(hall.policy.complaints, crate::domain::complaint::Limits { simple_days: 1, complex_days: 5 });
    let text = format!("{SMALL}\n[policy]\ncomplaint_simple_days = 2\ncomplaint_complex_days = 7\n");
    let hall = parse(&text, "hall.toml").unwrap();
    assert_eq!(hall.policy.complaints, crate::domain::complaint::Limits { simple_days: 2, complex_days: 7 });
}

#[test]
fn the_assessment_scheme_is_the_halls_and_checked() {
    use crate::domain::assessment::Scheme;
    assert_eq!(parse(SMALL, "hall.toml").unwrap().policy.assessment, Scheme::default());
    let text = format!("{SMALL}\n[assessment.weights]\nsatisfaction = 50\n\n[assessment.grades]\nexcellent = 95\n");
    let scheme = parse(&text, "hall.toml").unwrap().policy.assessment;
    assert_eq!((scheme.weights.satisfaction, scheme.weights.service, scheme.grades.excellent), (50.0, 20.0, 95.0));
    // R17's archives: their weight, and the working days a file has after its case closes.
    let text = format!("{SMALL}\n[policy]\narchive_days = 0\n\n[assessment.weights]\narchives = 10\n");
    let hall = parse(&text, "hall.toml").unwrap();
    assert_eq!((hall.policy.assessment.weights.archives, hall.policy.cases.archive_days), (10.0, 0));
    // (the section, what the error says)
    for (section, needle) in [
        ("[assessment.weights]\nservice = -1\n", "`service` must be a number of at least 0"),
        ("[assessment.deductions]\nabsent = -10\n", "`absent` must be a number of at least 0"),
        (
            "[assessment.weights]\nattendance = 0\ndiscipline = 0\nservice = 0\ncases = 0\narchives = 0\nsatisfaction = 0\n",
            "at least one weight",
        ),
        ("[assessment.grades]\ngood = 95\n", "excellent ≥ good ≥ pass"),
        ("[assessment.weights]\nspeed = 3\n", "unknown field"),
        ("[policy]\narchive_days = 31\n", "archive_days must be between 0 and 30"),
        // 0 would switch a rule off: no priority ticket ahead of a walk-in, a 补办件 expiring the
        // day it was accepted, every extension refused.
        ("[policy]\npriority_cap = 0\n", "priority_cap must be between 1 and 20 priority tickets in a row"),
        ("[policy]\nsupplement_days = 0\n", "supplement_days must be between 1 and 90 working days"),
        ("[policy]\nextension_cap = 0\n", "extension_cap must be between 1 and 30 working days"),
        ("[policy]\nextension_cap = 31\n", "extension_cap must be between 1 and 30"),
    ] {
        let err = parse(&format!("{SMALL}\n{section}"), "hall.toml").expect_err(section);
        assert!(err.message.contains(needle), "{err} should mention {needle}");
    }
    // A hall saved on /admin before these limits keeps its number at start (refused, an older
    // hall would go in force and undo the admin's edits); the next save must meet them.
    let saved = parse_saved(&format!("{SMALL}\n[policy]\nsupplement_days = 0\n"), "saved", None).unwrap();
    assert_eq!(saved.policy.cases.supplement_days, 0);
}

#[test]
fn the_hall_id_and_the_county_devices_are_checked() {
    // Optional: an older file has no id.
    assert_eq!(parse(SMALL, "hall.toml").unwrap().id, None);
    let sample = sample();
    assert_eq!(sample.id.as_deref(), Some("qingshui"));
    let county = sample.county_by_token_hash(&crate::auth::token_hash("demo-county")).expect("the demo county");
    assert!(county.demo);
    check("[hall]\n", "[hall]\nid = \"青石\"\n", 2, "hall id `青石` must be 1-40 ASCII");
    let device = |token: &str| {
        format!("{SMALL}\n[[kiosks]]\nid = \"k1\"\ntoken_sha256 = \"{}\"\n\n[[counties]]\nid = \"c1\"\ntoken_sha256 = \"{token}\"\n", "a".repeat(64))
    };
    assert_eq!(parse(&device(&"b".repeat(64)), "hall.toml").unwrap().counties[0].id, "c1");
    let err = parse(&device(&"a".repeat(64)), "hall.toml").unwrap_err();
    assert!(err.message.contains("a county's token must differ"), "{err}");
    let err = parse(&device("short"), "hall.toml").unwrap_err();
    assert!(err.message.contains("64 hex digits"), "{err}");
}

#[test]
fn bookings_are_configured_per_matter_and_checked() {
    let hall = parse(SMALL, "hall.toml").unwrap();
    assert_eq!(hall.matters[0].booking, None, "not bookable without [matters.booking]");
    assert!(!hall.matters[0].id_number);
    assert_eq!(hall.policy.booking, crate::domain::booking::Rules::default());
    let with = |matter: &str, hall_rules: &str| {
        let text = format!("{SMALL}{matter}\n{hall_rules}");
        parse(&text, "hall.toml")
    };
    let ok = with("id_number = true\n[matters.booking]\nslot_minutes = 20\nslot_capacity = 3\n", "").unwrap();
    let m = &ok.matters[0];
    assert!(m.id_number);
    assert_eq!(
        m.booking,
        Some(crate::domain::booking::MatterBooking { slot_minutes: 20, slot_capacity: 3, days_ahead: 5 })
    );
    // (matter's booking, hall's [booking], what the error says)
    for (matter, rules, needle) in [
        ("[matters.booking]\nslot_minutes = 0\nslot_capacity = 3\n", "", "slot_minutes must be between 5 and 240"),
        ("[matters.booking]\nslot_minutes = 30\nslot_capacity = 0\n", "", "slot_capacity must be between 1 and 100"),
        ("[matters.booking]\nslot_minutes = 30\nslot_capacity = 2\ndays_ahead = 31\n", "", "days_ahead"),
        ("[matters.booking]\nslot_minutes = 30\n", "", "slot_capacity"),
        ("", "[booking]\nkeep_days = 7\n", "keep_days must be between 31"),
        ("", "[booking]\nper_person_per_day = 0\n", "per_person_per_day"),
        ("", "[booking]\nturn_soon_ahead = 0\n", "turn_soon_ahead"),
        ("", "[booking]\nearly_minutes = 600\n", "early_minutes"),
        ("", "[booking]\nsurprise = 1\n", "surprise"),
    ] {
        let err = with(matter, rules).expect_err(needle);
        assert!(err.message.contains(needle), "{err} should mention {needle}");
        assert!(err.line > 0, "{err} names its line");
    }
    let rules = with("", "[booking]\nno_show_limit = 0\ngrace_minutes = 5\n").unwrap().policy.booking;
    assert_eq!((rules.no_show_limit, rules.grace_minutes, rules.keep_days), (0, 5, 90));
}

#[test]
fn the_sample_hall_books_three_matters_one_with_the_identity_number() {
    let hall = sample();
    let bookable: Vec<&str> = hall.matters.iter().filter(|m| m.booking.is_some()).map(|m| m.id.as_str()).collect();
    assert_eq!(bookable, ["mz-dibao", "rs-jmyibao", "zr-zhaijidi"]);
    let asks: Vec<&str> = hall.matters.iter().filter(|m| m.id_number).map(|m| m.id.as_str()).collect();
    assert_eq!(asks, ["zr-zhaijidi"]);
}

#[test]
fn hours_and_limits_that_cannot_work_are_refused() {
    // 05:30 typed for 17:30: every kiosk would say closed every day.
    let closing =
        SMALL.replacen("name = \"测试镇便民服务中心\"", "name = \"测试镇便民服务中心\"\nwork_end = \"05:30\"", 1);
    let err = parse(&closing, "hall.toml").unwrap_err();
    assert_eq!(err.line, 3, "{err}");
    assert!(err.message.contains("work_end must be after work_start"), "{err}");
    // R21: an answer due the day the complaint comes, or a complex one due before a simple one.
    for policy in ["complaint_simple_days = 0", "complaint_simple_days = 9\ncomplaint_complex_days = 5"] {
        let err = parse(&format!("{SMALL}\n[policy]\n{policy}\n"), "hall.toml").unwrap_err();
        assert!(err.message.contains("complaint_simple_days is 1 to 30"), "{policy}: {err}");
    }
    let fine =
        parse(&format!("{SMALL}\n[policy]\ncomplaint_simple_days = 3\ncomplaint_complex_days = 10\n"), "h").unwrap();
    assert_eq!((fine.policy.complaints.simple_days, fine.policy.complaints.complex_days), (3, 10));
}

#[test]
fn two_devices_never_share_a_token() {
    let kiosk = |id: &str| format!("[[kiosks]]\nid = \"{id}\"\ntoken_sha256 = \"{}\"\n\n", "ab".repeat(32));
    let err = parse(&format!("{SMALL}\n{}{}", kiosk("k1"), kiosk("k2")), "hall.toml").unwrap_err();
    assert!(err.message.contains("each kiosk needs its own token (`hall-server new-kiosk-token`)"), "{err}");
    let evaluator = |id: &str| {
        format!("[[evaluators]]\nid = \"{id}\"\nwindow = \"w01\"\ntoken_sha256 = \"{}\"\n\n", "cd".repeat(32))
    };
    let err = parse(&format!("{SMALL}\n{}{}", evaluator("e1"), evaluator("e2")), "hall.toml").unwrap_err();
    assert!(err.message.contains("each evaluator needs its own token"), "{err}");
    let bad = format!("{SMALL}\n[[kiosks]]\nid = \"k1\"\ntoken_sha256 = \"abc\"\n");
    assert!(parse(&bad, "h").unwrap_err().message.contains("hall-server new-kiosk-token"));
}

#[test]
fn on_the_spot_minutes_are_the_halls_unless_the_matter_sets_its_own() {
    let hall = parse(SMALL, "hall.toml").unwrap();
    assert_eq!((hall.policy.on_the_spot_minutes, hall.matters[0].on_the_spot_minutes), (20, 20));
    let policy = format!("{SMALL}\n[policy]\non_the_spot_minutes = 15\n");
    let hall = parse(&policy, "hall.toml").unwrap();
    assert_eq!((hall.policy.on_the_spot_minutes, hall.matters[0].on_the_spot_minutes), (15, 15));
    let own = policy.replace("time_limit_days = 20", "time_limit_days = 0\non_the_spot_minutes = 45");
    let hall = parse(&own, "hall.toml").unwrap();
    assert_eq!((hall.policy.on_the_spot_minutes, hall.matters[0].on_the_spot_minutes), (15, 45));
    check("time_limit_days = 20", "time_limit_days = 0\non_the_spot_minutes = 0", 26, "between 1 and 480 minutes");
    let err = parse(&format!("{SMALL}\n[policy]\non_the_spot_minutes = 600\n"), "h.toml").unwrap_err();
    assert!(err.message.contains("on_the_spot_minutes must be between 1 and 480"), "{err}");
}

/// The sample hall's secrets are public: an entry not marked demo may not keep them (an
/// installer who flips `demo = false` and keeps the hash opens the hall to anyone), nor may
/// two accounts share one password hash (copied).
#[test]
fn the_samples_public_secrets_are_refused_outside_demo() {
    const SAMPLE_HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$3cCNITORIrAVyxjICqXFRg$uNt4jP9g97Fx3iuFLxOWf8MPZpMCKI8WAFkYFs3DAGA";
    const OWN_HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YfpzmoA9xrD0cDu6eE7+ZKyJc3kVQnHbjz5Uh1SRlbU";
    let account = |name: &str, hash: &str, demo: bool| {
        format!("\n[[staff]]\nusername = \"{name}\"\nname = \"甲\"\nrole = \"admin\"\npassword_hash = \"{hash}\"\ndemo = {demo}\n")
    };
    let device = |table: &str, token: &str, demo: bool| {
        let window = if table == "evaluators" { "window = \"w01\"\n" } else { "" };
        format!(
            "\n[[{table}]]\nid = \"d1\"\n{window}token_sha256 = \"{}\"\ndemo = {demo}\n",
            crate::auth::token_hash(token)
        )
    };
    // (extra entries, refused with)
    for (extra, refused) in [
        (account("admin", SAMPLE_HASH, true), None),
        (account("admin", SAMPLE_HASH, false), Some("password_hash is the sample hall's")),
        (account("admin", OWN_HASH, false), None),
        (account("a", OWN_HASH, false) + &account("b", OWN_HASH, false), Some("copied")),
        (device("kiosks", "demo-kiosk", true), None),
        (device("kiosks", "demo-kiosk", false), Some("token is the sample hall's")),
        (device("kiosks", "a-token-of-its-own", false), None),
        (device("evaluators", "demo-evaluator-w01", false), Some("token is the sample hall's")),
        (device("counties", "demo-county", false), Some("token is the sample hall's")),
    ] {
        match (parse(&format!("{SMALL}{extra}"), "hall.toml"), refused) {
            (Ok(_), None) => {}
            (Err(e), Some(needle)) => assert!(e.message.contains(needle), "{e}"),
            (got, want) => panic!("{extra}: {:?}, wanted {want:?}", got.err()),
        }
    }
}

/// A matter that could never be issued (its own hours outside every opening period of the hall:
/// a typo of 17:30 for 07:30) is refused at its line.
#[test]
fn a_matter_whose_hours_miss_the_hall_is_refused() {
    check("time_limit_days = 20", "time_limit_days = 20\nhours = \"17:30-19:00\"", 26, "outside every opening period");
    assert!(parse(
        &SMALL.replacen("time_limit_days = 20", "time_limit_days = 20\nhours = \"16:00-19:00\"", 1),
        "h.toml"
    )
    .is_ok());
    // Within the hall's hours but after its cut-off (17:30 close, 30 minutes): never issued.
    let with = |hours: &str| {
        let hall = SMALL.replacen("time_limit_days = 20", &format!("time_limit_days = 20\nhours = \"{hours}\""), 1);
        format!("{hall}\n[hours]\nmon = [\"08:30-12:00\", \"14:00-17:30\"]\ncut_off_minutes = 30\n")
    };
    let err = parse(&with("17:10-18:00"), "h.toml").expect_err("after the cut-off");
    assert!(err.message.contains("outside every opening period"), "{err}");
    assert!(parse(&with("16:50-18:00"), "h.toml").is_ok());
}

/// The hall saved on /admin under older rules is put back in force at start with warnings, not
/// refused (an older hall would undo the admin's edits); a new save or file must meet them.
#[test]
fn a_saved_hall_under_older_rules_still_loads_at_start() {
    const HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YfpzmoA9xrD0cDu6eE7+ZKyJc3kVQnHbjz5Uh1SRlbU";
    let account = |name: &str| {
        format!("\n[[staff]]\nusername = \"{name}\"\nname = \"甲\"\nrole = \"admin\"\npassword_hash = \"{HASH}\"\n")
    };
    let copied = format!("{SMALL}{}{}", account("a"), account("b"));
    assert!(parse(&copied, "hall.toml").is_err(), "a save or a file is refused");
    let hall = parse_saved(&copied, "hall saved on the admin page", None).expect("put back in force");
    assert_eq!(hall.staff.len(), 2);
}
