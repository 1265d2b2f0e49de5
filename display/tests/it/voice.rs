//! The rendered announcement, measured with a real audio tool (sox), with espeak-ng and with the
//! neural voice (which falls back to espeak-ng where `scripts/voice-setup.sh` has not run; its
//! intelligibility is measured by tests/voice/intelligibility.py).

use std::process::Command;

fn sox_available() -> bool {
    Command::new("sox").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Durations in seconds of the sounds separated by at least half a second of silence.
fn utterances(wav: &std::path::Path) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("sox")
        .arg(wav)
        .arg(dir.path().join("part.wav"))
        .args(["silence", "1", "0.05", "1%", "1", "0.5", "1%", ":", "newfile", ":", "restart"])
        .status()
        .unwrap();
    assert!(status.success());
    let mut parts: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    parts.sort();
    parts
        .iter()
        .map(|p| String::from_utf8(Command::new("soxi").arg("-D").arg(p).output().unwrap().stdout).unwrap())
        .filter_map(|d| d.trim().parse::<f64>().ok())
        .filter(|d| *d > 0.3)
        .collect()
}

fn say(voice: &str, args: &[&str], out: &std::path::Path) {
    let res = Command::new(env!("CARGO_BIN_EXE_hall-display"))
        .args(["--voice", voice, "say"])
        .args(args)
        .arg("--out")
        .arg(out)
        .args(["--repeat", "1"])
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
}

#[test]
fn an_announcement_is_audible_and_as_long_as_its_words() {
    assert!(sox_available(), "sox is needed for this test (apt-get install sox)");
    for voice in ["espeak", "neural"] {
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.wav");
        say(voice, &["A012", "3"], &one);
        check_one_call(&one, voice);
    }
}

fn check_one_call(one: &std::path::Path, voice: &str) {
    let stat = Command::new("sox").arg(one).args(["-n", "stat"]).output().unwrap();
    let text = String::from_utf8_lossy(&stat.stderr).to_string();
    let field = |name: &str| -> f64 {
        text.lines().find(|l| l.starts_with(name)).and_then(|l| l.split(':').nth(1)).unwrap().trim().parse().unwrap()
    };
    let length = field("Length (seconds)");
    let rms = field("RMS     amplitude");
    assert!(rms > 0.05, "{voice}: too quiet: {text}");
    // Chime (~1.2 s) and 请A零一二号到三号窗口办理: 12 syllables.
    assert!((3.5..9.0).contains(&length), "{voice}: {length} s");
    let parts = utterances(one);
    assert_eq!(parts.len(), 2, "{voice}: chime then one sentence: {parts:?}");
}

#[test]
fn two_calls_make_two_utterances_after_the_chime() {
    for voice in ["espeak", "neural"] {
        let dir = tempfile::tempdir().unwrap();
        let two = dir.path().join("two.wav");
        say(voice, &["A012", "3", "B105", "11"], &two);
        let parts = utterances(&two);
        assert_eq!(parts.len(), 3, "{voice}: {parts:?}");
        assert!(parts[0] < 1.5, "{voice}: the chime comes first: {parts:?}");
        assert!(parts[1] > 2.0 && parts[2] > 2.0, "{voice}: {parts:?}");
    }
}

#[test]
fn a_bad_window_number_is_refused_clearly() {
    let res = Command::new(env!("CARGO_BIN_EXE_hall-display"))
        .args(["say", "A1", "three", "--out", "/dev/null"])
        .output()
        .unwrap();
    assert!(!res.status.success());
    assert!(String::from_utf8_lossy(&res.stderr).contains("not a window number"));
}
