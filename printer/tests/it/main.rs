//! Integration tests of hall-printer: the ticket as printed, targets, printing to the fake printer, preview.

mod preview;
mod printing;
mod ticket;

use hall_printer::{Lang, TicketLine, TicketPrint, WindowLine};

pub fn sample(lang: Lang) -> TicketPrint {
    TicketPrint {
        hall_name: "青石镇便民服务中心".into(),
        number: "A023".into(),
        matter: "婚姻登记（结婚）".into(),
        priority: Some("优先（老年人）".into()),
        windows: vec![
            WindowLine { label: "3号窗口 民政窗口（二）".into(), location: "一楼大厅北侧".into() },
            WindowLine {
                label: "5号窗口 综合受理".into(), location: "一楼大厅南侧靠近自助服务区".into()
            },
        ],
        waiting_ahead: 4,
        estimated_wait_minutes: 18,
        issued_at: "2026-11-25 09:42".into(),
        materials: vec![
            TicketLine { name: "居民身份证原件".into(), main: true },
            TicketLine { name: "居民户口簿原件（本人及配偶双方均需携带）".into(), main: true },
            TicketLine { name: "近期二寸半身免冠合影照片 3 张".into(), main: false },
        ],
        status_url: "https://hall.example.cn/t/3f9a2c71-ticket-A023".into(),
        lang,
    }
}

/// Text without line breaks and spaces, so that wrapped lines can be searched.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
