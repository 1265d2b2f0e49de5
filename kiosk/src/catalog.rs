//! The hall as the kiosk knows it (matters, windows, queues from the server) and the
//! questions the screens ask of it: which departments, which matters, which windows where.

use chrono::{DateTime, Utc};
use hall_printer::{Lang, TicketLine, TicketPrint, WindowLine};
use hall_wire::{self as wire, MaterialKind, Priority};

#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub hall: wire::HallInfo,
    pub services: Vec<wire::Service>,
    pub windows: Vec<wire::Window>,
    pub queues: Vec<wire::Queue>,
}

/// A department as a home-screen button: how many wait in its queues, the longest estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentLine {
    pub id: String,
    pub name: String,
    pub matters: usize,
    pub waiting: u32,
    pub minutes: u32,
}

impl Catalog {
    pub fn service(&self, id: &str) -> Option<&wire::Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn window(&self, id: &str) -> Option<&wire::Window> {
        self.windows.iter().find(|w| w.id == id)
    }

    pub fn queue(&self, id: &str) -> Option<&wire::Queue> {
        self.queues.iter().find(|q| q.queue == id)
    }

    /// Whether the matter's tickets ask for the 居民身份证号 (the hall marks it `id_number`).
    /// The next moment the hall's or a matter's issuing is due to change (an opening, a cut-off,
    /// the lunch break), so that the catalog is loaded again then, not minutes later.
    pub fn next_issuing_change(&self) -> Option<DateTime<Utc>> {
        std::iter::once(&self.hall.issuing)
            .chain(self.services.iter().map(|s| &s.issuing))
            .filter_map(|i| if i.open { i.until.as_deref() } else { i.next_open.as_deref() })
            .filter_map(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.to_utc())
            .min()
    }

    pub fn needs_id_number(&self, id: &str) -> bool {
        // A catalog older than the mark: the server's `422 id_number_required` brings the pad up.
        self.service(id).is_some_and(|s| s.id_number)
    }

    /// The matter of 「综合咨询」, when the hall names one.
    pub fn general_inquiry(&self) -> Option<&wire::Service> {
        self.hall.general_inquiry.as_deref().and_then(|id| self.service(id))
    }

    /// Departments in the order the hall lists its matters.
    pub fn departments(&self) -> Vec<DepartmentLine> {
        let mut out: Vec<(DepartmentLine, Vec<&str>)> = Vec::new();
        for s in &self.services {
            let i = match out.iter().position(|(d, _)| d.id == s.department_id) {
                Some(i) => i,
                None => {
                    let line = DepartmentLine {
                        id: s.department_id.clone(),
                        name: s.department.clone(),
                        matters: 0,
                        waiting: 0,
                        minutes: 0,
                    };
                    out.push((line, Vec::new()));
                    out.len() - 1
                }
            };
            let (line, queues) = &mut out[i];
            line.matters += 1;
            if !queues.contains(&s.queue.as_str()) {
                queues.push(&s.queue);
                if let Some(q) = self.queue(&s.queue) {
                    line.waiting += q.waiting;
                    line.minutes = line.minutes.max(q.estimated_wait_minutes);
                }
            }
        }
        out.into_iter().map(|(d, _)| d).collect()
    }

    pub fn matters_of(&self, department_id: &str) -> Vec<&wire::Service> {
        self.services.iter().filter(|s| s.department_id == department_id).collect()
    }

    /// The windows that handle a matter, by window number.
    pub fn windows_of(&self, service: &wire::Service) -> Vec<&wire::Window> {
        self.windows_by_number(&service.windows)
    }

    /// The windows of these ids (unknown ones left out), in the order of their numbers.
    pub fn windows_by_number(&self, ids: &[String]) -> Vec<&wire::Window> {
        let mut ws: Vec<&wire::Window> = ids.iter().filter_map(|id| self.window(id)).collect();
        ws.sort_by_key(|w| w.number);
        ws
    }
}

/// Windows a ticket or a matter names one by one, with name and place; past it, their numbers
/// on one line (a 综合受理 matter every window handles would fill the screen and the paper).
pub const LISTED_WINDOWS: usize = 3;

/// Window numbers on one line, as each language lists them: 「1、2、3」, "1, 2, 3".
pub fn window_numbers<'a>(windows: impl IntoIterator<Item = &'a wire::Window>, english: bool) -> String {
    let numbers: Vec<String> = windows.into_iter().map(|w| w.number.to_string()).collect();
    numbers.join(if english { ", " } else { "、" })
}

/// The numbers on one line when there are too many windows to list (past [`LISTED_WINDOWS`]).
pub fn too_many_to_list(windows: &[&wire::Window], english: bool) -> Option<String> {
    (windows.len() > LISTED_WINDOWS).then(|| window_numbers(windows.iter().copied(), english))
}

/// "3号窗口 民政窗口（二）" / "Window 3 民政窗口（二）".
pub fn window_label(w: &wire::Window, english: bool) -> String {
    if english {
        format!("Window {} {}", w.number, w.name)
    } else {
        format!("{}号窗口 {}", w.number, w.name)
    }
}

pub fn priority_words(p: Priority, english: bool) -> &'static str {
    match (p, english) {
        (Priority::Elderly, false) => "优先（老年人）",
        (Priority::Disabled, false) => "优先（残疾人）",
        (Priority::Military, false) => "优先（军人）",
        (Priority::Pregnant, false) => "优先（孕妇）",
        (Priority::Elderly, true) => "Priority (elderly)",
        (Priority::Disabled, true) => "Priority (disabled)",
        (Priority::Military, true) => "Priority (military)",
        (Priority::Pregnant, true) => "Priority (pregnant)",
    }
}

/// "2026-11-25 09:42" from the server's RFC 3339 time (kept as is if unreadable).
pub fn local_minutes(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// The paper ticket: the one-time notification of the matter's materials goes with it.
pub fn ticket_print(c: &Catalog, t: &wire::Ticket, status_url: &str, english: bool) -> TicketPrint {
    let service = c.service(&t.service_id);
    let windows = c.windows_by_number(&t.windows);
    let windows = if let Some(numbers) = too_many_to_list(&windows, english) {
        let label = if english {
            format!("Windows {numbers} (the one the display calls you to)")
        } else {
            format!("{numbers}号窗口（以叫号屏显示的窗口为准）")
        };
        vec![WindowLine { label, location: String::new() }]
    } else {
        windows
            .into_iter()
            .map(|w| WindowLine { label: window_label(w, english), location: w.location.clone() })
            .collect()
    };
    TicketPrint {
        hall_name: c.hall.name.clone(),
        number: t.number.clone(),
        matter: service.map(|s| s.name.clone()).unwrap_or_else(|| t.service_id.clone()),
        priority: t.priority.map(|p| priority_words(p, english).to_string()),
        windows,
        waiting_ahead: t.waiting_ahead,
        estimated_wait_minutes: t.estimated_wait_minutes,
        issued_at: local_minutes(&t.issued_at),
        materials: service
            .map(|s| {
                s.materials
                    .iter()
                    .map(|m| TicketLine { name: m.name.clone(), main: m.kind == MaterialKind::Main })
                    .collect()
            })
            .unwrap_or_default(),
        status_url: status_url.to_string(),
        lang: if english { Lang::En } else { Lang::Zh },
    }
}

/// When tickets are next available, in words for the kiosk's screen: 「14:00」 today,
/// 「明天 08:30」, 「11月30日 08:30」 later ("14:00 today", "tomorrow 08:30", "30 Nov 08:30").
/// `now` decides what today is, in the offset the server wrote the time in.
pub fn next_open_words(rfc3339: &str, now: chrono::DateTime<chrono::Utc>, english: bool) -> String {
    use chrono::Datelike;
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(rfc3339) else { return rfc3339.to_string() };
    let today = now.with_timezone(at.offset()).date_naive();
    let day = at.date_naive();
    let time = at.format("%H:%M");
    match (day.signed_duration_since(today).num_days(), english) {
        (0, false) => format!("今天 {time}"),
        (0, true) => format!("{time} today"),
        (1, false) => format!("明天 {time}"),
        (1, true) => format!("tomorrow {time}"),
        (_, false) => format!("{}月{}日 {time}", day.month(), day.day()),
        (_, true) => format!("{} {time}", day.format("%a %-d %b")),
    }
}

#[cfg(test)]
mod tests {
    use super::next_open_words;

    /// The catalog is loaded again at the first opening or stop it knows of, the hall's or a
    /// matter's (one opening at 09:30 in a queue open since 08:30 changes no queue).
    #[test]
    fn the_next_issuing_change_is_the_earliest_opening_or_stop() {
        let mut c = crate::screenshots::sample_catalog();
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
        for s in c.services.iter_mut() {
            s.issuing = hall_wire::Issuing {
                open: true,
                until: Some("2026-11-25T16:30:00+08:00".into()),
                ..Default::default()
            };
        }
        c.hall.issuing =
            hall_wire::Issuing { open: true, until: Some("2026-11-25T11:30:00+08:00".into()), ..Default::default() };
        assert_eq!(c.next_issuing_change(), Some(at("2026-11-25T11:30:00+08:00")));
        let s = c.services.iter_mut().find(|s| s.id == "mz-dibao").unwrap();
        s.issuing = hall_wire::Issuing {
            open: false,
            next_open: Some("2026-11-25T09:30:00+08:00".into()),
            ..Default::default()
        };
        assert_eq!(c.next_issuing_change(), Some(at("2026-11-25T09:30:00+08:00")));
        for s in c.services.iter_mut() {
            s.issuing = hall_wire::Issuing::default();
        }
        c.hall.issuing = hall_wire::Issuing::default();
        assert_eq!(c.next_issuing_change(), None, "open all day: the 5-minute reload only");
    }

    #[test]
    fn next_open_in_words_today_tomorrow_or_the_date() {
        // 2026-11-25 17:05 in the hall (UTC+8).
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T17:05:00+08:00").unwrap().to_utc();
        let words = |t: &str, en| next_open_words(t, now, en);
        assert_eq!(words("2026-11-25T14:00:00+08:00", false), "今天 14:00");
        assert_eq!(words("2026-11-25T14:00:00+08:00", true), "14:00 today");
        assert_eq!(words("2026-11-26T08:30:00+08:00", false), "明天 08:30");
        assert_eq!(words("2026-11-26T08:30:00+08:00", true), "tomorrow 08:30");
        assert_eq!(words("2026-11-30T08:30:00+08:00", false), "11月30日 08:30");
        assert_eq!(words("2026-11-30T08:30:00+08:00", true), "Mon 30 Nov 08:30");
        assert_eq!(words("soon", false), "soon");
    }

    /// The paper names a few windows with their places; a ticket every window may call gets
    /// their numbers on one line, in the ticket's language.
    #[test]
    fn the_paper_lists_a_few_windows_and_numbers_many() {
        use crate::screenshots::{sample_catalog, sample_ticket};
        let c = sample_catalog();
        let all: Vec<String> = c.windows.iter().map(|w| w.id.clone()).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let check = |windows: &[&str], english: bool, want: &[(&str, &str)]| {
            let t = sample_ticket("B012", "mz-dibao", None, windows);
            let lines: Vec<(String, String)> = super::ticket_print(&c, &t, "http://hall/t/x", english)
                .windows
                .into_iter()
                .map(|w| (w.label, w.location))
                .collect();
            let want: Vec<(String, String)> = want.iter().map(|(l, p)| (l.to_string(), p.to_string())).collect();
            assert_eq!(lines, want, "{windows:?}, english {english}");
        };
        check(
            &["w02", "w03"],
            false,
            &[("2号窗口 民政窗口（一）", "一楼大厅东侧"), ("3号窗口 民政窗口（二）", "一楼大厅东侧")],
        );
        check(
            &all[..3],
            true,
            &[
                ("Window 1 综合受理窗口", "一楼大厅正门右侧"),
                ("Window 2 民政窗口（一）", "一楼大厅东侧"),
                ("Window 3 民政窗口（二）", "一楼大厅东侧"),
            ],
        );
        check(&all[..4], false, &[("1、2、3、4号窗口（以叫号屏显示的窗口为准）", "")]);
        // In the order of their numbers, however the hall listed them.
        check(&["w11", "w02", "w07", "w01"], false, &[("1、2、7、11号窗口（以叫号屏显示的窗口为准）", "")]);
        check(
            &["w03", "w02"],
            false,
            &[("2号窗口 民政窗口（一）", "一楼大厅东侧"), ("3号窗口 民政窗口（二）", "一楼大厅东侧")],
        );
        check(&all, true, &[("Windows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 (the one the display calls you to)", "")]);
    }
}
