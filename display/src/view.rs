//! The model turned into what the screen shows (plain data, so it can cross threads), and
//! that data put into the `Display` global of the UI.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hall_wire as wire;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::controller::{Link, Model};
use crate::{MainWindow, QueueLine, RecentCall};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub hall_name: String,
    pub notice: String,
    pub date: String,
    pub clock: String,
    pub live: bool,
    pub link_text: String,
    pub has_call: bool,
    pub number: String,
    pub window_number: u32,
    pub window_name: String,
    pub recall: bool,
    /// The newest call's ticket came by appointment.
    pub booked: bool,
    pub flashing: bool,
    /// (number, window number, window name, recall, booked).
    pub recent: Vec<(String, u32, String, bool, bool)>,
    /// (prefix, name, waiting, minutes, 今日已停止取号).
    pub queues: Vec<(String, String, u32, u32, bool)>,
    pub window_mode: bool,
    pub my_window_number: u32,
    pub my_window_name: String,
    pub my_window_open: bool,
    pub my_window_state: String,
    pub my_serving: String,
    /// The number served at this window came by appointment.
    pub my_serving_booked: bool,
    pub staff_name: String,
    pub staff_no: String,
    /// The clerk at the window stands in for a colleague on leave (R16: 顶岗).
    pub stand_in: bool,
    /// Server path of the staff member's photo, empty when none.
    pub staff_photo_url: String,
    pub matters: Vec<String>,
}

/// Chinese first: the connection line in the display's language.
pub fn link_text(link: Link, now: DateTime<Utc>, english: bool) -> String {
    match (link, english) {
        (Link::Live, _) => String::new(),
        (Link::Connecting, false) => "正在连接服务器…".into(),
        (Link::Connecting, true) => "Connecting to the server…".into(),
        (Link::Lost { since }, false) => format!("连接中断 {} 秒，正在重连…", (now - since).num_seconds().max(0)),
        (Link::Lost { since }, true) => {
            format!("Connection lost {} s ago, reconnecting…", (now - since).num_seconds().max(0))
        }
    }
}

impl View {
    pub fn of(m: &Model, now: DateTime<Utc>, tz: Tz, english: bool) -> View {
        let local = now.with_timezone(&tz);
        // Numbers start again each day: a display left on overnight shows none of yesterday's
        // calls (today's D003 would read its number as called already).
        let today = |c: &&crate::controller::CallView| c.at.with_timezone(&tz).date_naive() == local.date_naive();
        // What the server last said is an earlier day's (the link lost since before midnight, the
        // server switched off overnight): its queues, stops and clerks are not today's.
        let known = match m.link {
            Link::Lost { since } => since.with_timezone(&tz).date_naive() == local.date_naive(),
            _ => true,
        };
        let weekday = ["一", "二", "三", "四", "五", "六", "日"]
            [chrono::Datelike::weekday(&local).num_days_from_monday() as usize];
        let date = if english {
            local.format("%Y-%m-%d %a").to_string()
        } else {
            format!("{} 星期{weekday}", local.format("%Y年%m月%d日"))
        };
        let mut v = View {
            hall_name: m.hall_name.clone(),
            notice: m.notice.clone(),
            date,
            clock: local.format("%H:%M:%S").to_string(),
            live: m.link == Link::Live,
            link_text: link_text(m.link, now, english),
            flashing: m.flashing(now),
            recent: m
                .recent
                .iter()
                .filter(today)
                .map(|c| (c.number.clone(), c.window_number, c.window_name.clone(), c.recall, c.booked))
                .collect(),
            queues: m
                .queues
                .iter()
                .filter(|_| known)
                .map(|q| (q.prefix.clone(), q.name.clone(), q.waiting, q.estimated_wait_minutes, m.no_more_today(q)))
                .collect(),
            window_mode: m.settings.window.is_some(),
            ..View::default()
        };
        if let Some(c) = m.latest.as_ref().filter(today) {
            v.has_call = true;
            v.number = c.number.clone();
            v.window_number = c.window_number;
            v.window_name = c.window_name.clone();
            v.recall = c.recall;
            v.booked = c.booked;
        }
        if let Some(n) = m.settings.window {
            v.my_window_number = n;
            match m.my_window().filter(|_| known) {
                // Nothing from the server yet (starting, an unreachable or mistyped address), or
                // only an earlier day's: the window is not unknown, the server is not reached.
                None if m.windows.is_empty() || !known => v.my_window_state = link_text(Link::Connecting, now, english),
                Some(w) => {
                    v.my_window_name = w.name.clone();
                    v.my_window_open = w.status == wire::WindowStatus::Open;
                    v.my_window_state = match (w.status, english) {
                        (wire::WindowStatus::Paused, false) => "窗口暂停，请稍候或咨询综合窗口".into(),
                        (wire::WindowStatus::Paused, true) => {
                            "Paused: please wait or ask at the information desk".into()
                        }
                        (_, false) => "本窗口暂无工作人员".into(),
                        (_, true) => "No staff at this window now".into(),
                    };
                    v.my_serving = w.serving.clone().unwrap_or_default();
                    // The window's state names the number only; its call says how it came.
                    v.my_serving_booked = !v.my_serving.is_empty()
                        && m.recent
                            .iter()
                            .filter(today)
                            .any(|c| c.window_number == n && c.number == v.my_serving && c.booked);
                    if let Some(s) = &w.staff {
                        v.staff_name = s.name.clone();
                        v.staff_no = s.staff_no.clone();
                        v.stand_in = s.stand_in;
                        v.staff_photo_url = s.photo_url.clone().unwrap_or_default();
                    }
                    v.matters = w.matters.clone();
                    // A window display flashes for its own calls only (the model flashes for
                    // no other window's).
                }
                None => v.my_window_state = if english { "Unknown window".into() } else { "未找到该窗口".into() },
            }
        }
        v
    }

    /// Puts the view on screen; lists are replaced only when they changed since `before`.
    pub fn show(&self, ui: &MainWindow, before: Option<&View>) {
        let d = ui.global::<crate::Display>();
        let s = |x: &str| SharedString::from(x);
        d.set_hall_name(s(&self.hall_name));
        d.set_notice(s(&self.notice));
        d.set_date(s(&self.date));
        d.set_clock(s(&self.clock));
        d.set_live(self.live);
        d.set_link_text(s(&self.link_text));
        d.set_has_call(self.has_call);
        d.set_number(s(&self.number));
        d.set_window_number(self.window_number as i32);
        d.set_window_name(s(&self.window_name));
        d.set_recall(self.recall);
        d.set_booked(self.booked);
        d.set_flashing(self.flashing);
        if before.is_none_or(|b| b.recent != self.recent) {
            self.show_recent(ui);
        }
        if before.is_none_or(|b| b.queues != self.queues) {
            self.show_queues(ui);
        }
        if before.is_none_or(|b| b.matters != self.matters) {
            let matters: Vec<SharedString> = self.matters.iter().map(|m| s(m)).collect();
            d.set_matters(ModelRc::new(VecModel::from(matters)));
        }
        d.set_window_mode(self.window_mode);
        d.set_my_window_number(self.my_window_number as i32);
        d.set_my_window_name(s(&self.my_window_name));
        d.set_my_window_open(self.my_window_open);
        d.set_my_window_state(s(&self.my_window_state));
        d.set_my_serving(s(&self.my_serving));
        d.set_my_serving_booked(self.my_serving_booked);
        d.set_staff_name(s(&self.staff_name));
        d.set_staff_no(s(&self.staff_no));
        d.set_stand_in(self.stand_in);
        if self.staff_photo_url.is_empty() {
            d.set_has_photo(false);
        }
    }

    /// Shows a decoded staff photo (decoded off the UI thread; the image is made here).
    pub fn show_photo(ui: &MainWindow, photo: Option<&slint::SharedPixelBuffer<slint::Rgba8Pixel>>) {
        let d = ui.global::<crate::Display>();
        match photo {
            Some(p) => {
                d.set_staff_photo(slint::Image::from_rgba8(p.clone()));
                d.set_has_photo(true);
            }
            None => d.set_has_photo(false),
        }
    }

    fn show_recent(&self, ui: &MainWindow) {
        let s = |x: &str| SharedString::from(x);
        let recent: Vec<RecentCall> = self
            .recent
            .iter()
            .map(|(n, w, name, recall, booked)| RecentCall {
                number: s(n),
                window_number: *w as i32,
                window_name: s(name),
                recall: *recall,
                booked: *booked,
            })
            .collect();
        ui.global::<crate::Display>().set_recent(ModelRc::new(VecModel::from(recent)));
    }

    fn show_queues(&self, ui: &MainWindow) {
        let s = |x: &str| SharedString::from(x);
        let queues: Vec<QueueLine> = self
            .queues
            .iter()
            .map(|(p, n, w, m, stopped)| QueueLine {
                prefix: s(p),
                name: s(n),
                waiting: *w as i32,
                minutes: *m as i32,
                stopped: *stopped,
            })
            .collect();
        let d = ui.global::<crate::Display>();
        d.set_queues_stopped(queues.iter().any(|q| q.stopped));
        d.set_queues(ModelRc::new(VecModel::from(queues)));
    }
}
