//! Spot inspections (督查, R18): what makes a recorded inspection valid. The director or a leader
//! visits windows (at least one) at a time not to come, notes findings about a visited window
//! and/or a clerk, and may add a few JPEG or PNG photos. Pure: the clock, the hall's windows and
//! clerks are arguments.

str_enum!(
    /// What a finding is about: 纪律 (absent from the post, phone, chatting…), 仪容仪表
    /// (uniform, badge), 服务态度/言行.
    FindingKind { Discipline = "discipline", Appearance = "appearance", Conduct = "conduct" }
);

/// Photos per inspection, and bytes per photo.
pub const MAX_PHOTOS: usize = 4;
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
pub const MAX_NOTE: usize = 2000;
pub const MAX_FINDING_NOTE: usize = 500;
pub const MAX_FINDINGS: usize = 50;
pub const MAX_REASON: usize = 500;
/// An inspection is recorded when it happens or soon after: a year back at most.
pub const MAX_AGE_MS: i64 = 366 * 24 * 3_600_000;

/// A photo's type, by its first bytes (never by what the sender says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoType {
    Jpeg,
    Png,
}

impl PhotoType {
    pub fn content_type(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
        }
    }
}

pub fn photo_type(bytes: &[u8]) -> Option<PhotoType> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(PNG) && bytes.len() > PNG.len() {
        Some(PhotoType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.len() > 3 {
        Some(PhotoType::Jpeg)
    } else {
        None
    }
}

/// A finding as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingDraft {
    pub window_id: Option<String>,
    pub username: Option<String>,
    pub kind: FindingKind,
    pub note: String,
}

/// An inspection as recorded, before it is stored.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub at_ms: i64,
    pub windows: &'a [String],
    pub note: &'a str,
    pub findings: &'a [FindingDraft],
    pub photos: &'a [Vec<u8>],
}

/// Why an inspection (or a withdrawal) is refused; `usize`s count from 1 as the page does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectionProblem {
    InFuture,
    TooOld,
    NoWindow,
    UnknownWindow(String),
    NoteTooLong,
    TooManyFindings,
    /// A finding names neither a window nor a clerk.
    NoSubject(usize),
    /// A finding about a window that was not visited.
    WindowNotVisited(usize, String),
    UnknownClerk(usize, String),
    FindingNote(usize),
    TooManyPhotos,
    NotAnImage(usize),
    PhotoTooLarge(usize),
    ReasonRequired,
}

impl std::fmt::Display for InspectionProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use InspectionProblem as P;
        match self {
            P::InFuture => write!(f, "the inspection's time is in the future"),
            P::TooOld => write!(f, "the inspection's time is more than a year ago"),
            P::NoWindow => write!(f, "name at least one window visited"),
            P::UnknownWindow(w) => write!(f, "no window `{w}` in this hall"),
            P::NoteTooLong => write!(f, "the note has at most {MAX_NOTE} characters"),
            P::TooManyFindings => write!(f, "at most {MAX_FINDINGS} findings per inspection"),
            P::NoSubject(i) => write!(f, "finding {i} names neither a window nor a clerk"),
            P::WindowNotVisited(i, w) => write!(f, "finding {i} is about window `{w}`, which was not visited"),
            P::UnknownClerk(i, u) => write!(f, "finding {i}: `{u}` is not a clerk of this hall"),
            P::FindingNote(i) => write!(f, "finding {i} needs a note of 1 to {MAX_FINDING_NOTE} characters"),
            P::TooManyPhotos => write!(f, "at most {MAX_PHOTOS} photos per inspection"),
            P::NotAnImage(i) => write!(f, "photo {i} is not a JPEG or PNG image"),
            P::PhotoTooLarge(i) => write!(f, "photo {i} is over {MAX_PHOTO_BYTES} bytes"),
            P::ReasonRequired => write!(f, "a withdrawal states its reason (1 to {MAX_REASON} characters)"),
        }
    }
}

/// Checks an inspection against the clock and the hall; answers each photo's type.
pub fn check(
    d: Draft,
    now_ms: i64,
    is_window: impl Fn(&str) -> bool,
    is_clerk: impl Fn(&str) -> bool,
) -> Result<Vec<PhotoType>, InspectionProblem> {
    use InspectionProblem as P;
    // A minute's grace: the inspector's device clock and the server's.
    if d.at_ms > now_ms + 60_000 {
        return Err(P::InFuture);
    }
    if d.at_ms < now_ms - MAX_AGE_MS {
        return Err(P::TooOld);
    }
    if d.windows.is_empty() {
        return Err(P::NoWindow);
    }
    if let Some(w) = d.windows.iter().find(|w| !is_window(w)) {
        return Err(P::UnknownWindow(w.clone()));
    }
    if d.note.chars().count() > MAX_NOTE {
        return Err(P::NoteTooLong);
    }
    if d.findings.len() > MAX_FINDINGS {
        return Err(P::TooManyFindings);
    }
    for (i, f) in d.findings.iter().enumerate().map(|(i, f)| (i + 1, f)) {
        if f.window_id.is_none() && f.username.is_none() {
            return Err(P::NoSubject(i));
        }
        if let Some(w) = f.window_id.as_ref().filter(|w| !d.windows.contains(w)) {
            return Err(P::WindowNotVisited(i, w.clone()));
        }
        if let Some(u) = f.username.as_ref().filter(|u| !is_clerk(u)) {
            return Err(P::UnknownClerk(i, u.clone()));
        }
        let n = f.note.trim().chars().count();
        if n == 0 || n > MAX_FINDING_NOTE {
            return Err(P::FindingNote(i));
        }
    }
    if d.photos.len() > MAX_PHOTOS {
        return Err(P::TooManyPhotos);
    }
    d.photos
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if p.len() > MAX_PHOTO_BYTES {
                return Err(P::PhotoTooLarge(i + 1));
            }
            photo_type(p).ok_or(P::NotAnImage(i + 1))
        })
        .collect()
}

/// A withdrawal's reason, trimmed.
pub fn check_reason(reason: &str) -> Result<&str, InspectionProblem> {
    let r = reason.trim();
    if r.is_empty() || r.chars().count() > MAX_REASON {
        return Err(InspectionProblem::ReasonRequired);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use InspectionProblem as P;

    const NOW: i64 = 1_800_000_000_000;

    /// What a check answers: each photo's type, or the problem.
    type Checked = Result<Vec<PhotoType>, P>;
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];

    fn finding(window: Option<&str>, user: Option<&str>, note: &str) -> FindingDraft {
        FindingDraft {
            window_id: window.map(Into::into),
            username: user.map(Into::into),
            kind: FindingKind::Discipline,
            note: note.into(),
        }
    }

    /// Checks a draft at `NOW` in a hall of windows w01–w03 and clerks clerk1–clerk2.
    fn check_at(at_ms: i64, windows: &[&str], findings: &[FindingDraft], photos: &[Vec<u8>]) -> Checked {
        let windows: Vec<String> = windows.iter().map(|w| w.to_string()).collect();
        let d = Draft { at_ms, windows: &windows, note: "", findings, photos };
        check(d, NOW, |w| ["w01", "w02", "w03"].contains(&w), |u| ["clerk1", "clerk2"].contains(&u))
    }

    #[test]
    fn an_inspection_is_checked_against_the_clock_the_windows_and_the_clerks() {
        let ok = finding(Some("w01"), Some("clerk1"), "离岗");
        let long = "长".repeat(MAX_FINDING_NOTE + 1);
        // (at, windows, findings, expected)
        let cases: Vec<(i64, Vec<&str>, Vec<FindingDraft>, Checked)> = vec![
            (NOW, vec!["w01"], vec![], Ok(vec![])),
            (NOW, vec!["w01", "w02"], vec![ok.clone()], Ok(vec![])),
            (NOW + 60_000, vec!["w01"], vec![], Ok(vec![])),
            (NOW + 60_001, vec!["w01"], vec![], Err(P::InFuture)),
            (NOW - MAX_AGE_MS - 1, vec!["w01"], vec![], Err(P::TooOld)),
            (NOW, vec![], vec![], Err(P::NoWindow)),
            (NOW, vec!["w09"], vec![], Err(P::UnknownWindow("w09".into()))),
            (NOW, vec!["w01"], vec![finding(None, None, "x")], Err(P::NoSubject(1))),
            (
                NOW,
                vec!["w01"],
                vec![ok.clone(), finding(Some("w02"), None, "x")],
                Err(P::WindowNotVisited(2, "w02".into())),
            ),
            (NOW, vec!["w01"], vec![finding(None, Some("director"), "x")], Err(P::UnknownClerk(1, "director".into()))),
            (NOW, vec!["w01"], vec![finding(None, Some("clerk2"), " ")], Err(P::FindingNote(1))),
            (NOW, vec!["w01"], vec![finding(None, Some("clerk2"), &long)], Err(P::FindingNote(1))),
            (NOW, vec!["w01"], vec![finding(None, Some("clerk2"), "没有佩戴工作牌")], Ok(vec![])),
        ];
        for (at, windows, findings, want) in cases {
            assert_eq!(check_at(at, &windows, &findings, &[]), want, "{at} {windows:?} {findings:?}");
        }
    }

    #[test]
    fn photos_are_jpeg_or_png_by_their_bytes_four_at_most_of_a_megabyte() {
        let big_png = [PNG, &vec![0u8; MAX_PHOTO_BYTES - PNG.len() + 1]].concat();
        let fits = [PNG, &vec![0u8; MAX_PHOTO_BYTES - PNG.len()]].concat();
        // (photos, expected)
        let cases: Vec<(Vec<Vec<u8>>, Checked)> = vec![
            (vec![PNG.to_vec(), JPEG.to_vec()], Ok(vec![PhotoType::Png, PhotoType::Jpeg])),
            (vec![fits], Ok(vec![PhotoType::Png])),
            (vec![big_png], Err(P::PhotoTooLarge(1))),
            (vec![PNG.to_vec(), b"GIF89a....".to_vec()], Err(P::NotAnImage(2))),
            (vec![b"<svg xmlns=...>".to_vec()], Err(P::NotAnImage(1))),
            (vec![PNG[..8].to_vec()], Err(P::NotAnImage(1))),
            (vec![JPEG.to_vec(); 5], Err(P::TooManyPhotos)),
        ];
        for (photos, want) in cases {
            assert_eq!(check_at(NOW, &["w01"], &[], &photos), want, "{} photos", photos.len());
        }
    }

    #[test]
    fn a_withdrawal_states_its_reason() {
        for (reason, want) in [
            ("  复核监控，当事人当时在为群众取材料 ", Ok("复核监控，当事人当时在为群众取材料")),
            ("", Err(P::ReasonRequired)),
            ("   ", Err(P::ReasonRequired)),
        ] {
            assert_eq!(check_reason(reason), want, "{reason:?}");
        }
        assert_eq!(check_reason(&"x".repeat(MAX_REASON + 1)), Err(P::ReasonRequired));
    }
}
