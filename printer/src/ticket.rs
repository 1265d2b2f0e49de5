//! The queue ticket: what the kiosk hands over, and its layout on paper.

use crate::doc::{Doc, Style};
use crate::labels::Lang;
use crate::paper::{PaperWidth, HALF_DOTS};
use crate::wrap::columns;

/// A material to bring; `main` = 主件 (the original document), otherwise 附件 (copies, supporting papers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLine {
    pub name: String,
    pub main: bool,
}

/// A window serving the matter, e.g. label "3号窗口 民政窗口（二）", location "一楼大厅北侧".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowLine {
    pub label: String,
    pub location: String,
}

/// Everything printed on a ticket, already worded by the caller (times formatted, priority phrased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPrint {
    pub hall_name: String,
    pub number: String,
    pub matter: String,
    pub priority: Option<String>,
    pub windows: Vec<WindowLine>,
    pub waiting_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub issued_at: String,
    pub materials: Vec<TicketLine>,
    pub status_url: String,
    pub lang: Lang,
}

impl TicketPrint {
    /// A ticket of the kind the kiosk prints, for tests, the example and previews.
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
}

/// GS ! multiplier of the ticket number: as large as the paper allows (6 on 58 mm, 8 on 80 mm) while the
/// number still fits on one line.
pub fn number_size(number: &str, paper: PaperWidth) -> u8 {
    let max: u32 = match paper {
        PaperWidth::Mm58 => 6,
        PaperWidth::Mm80 => 8,
    };
    let cols = columns(number).max(1) as u32;
    (paper.dots() / (HALF_DOTS * cols)).clamp(1, max) as u8
}

/// Dots per QR module: the status URL stays easy to scan from a phone on either paper.
fn qr_module(paper: PaperWidth) -> u8 {
    match paper {
        PaperWidth::Mm58 => 6,
        PaperWidth::Mm80 => 8,
    }
}

/// The whole print job for a ticket, from ESC @ to the cut.
pub fn ticket_bytes(t: &TicketPrint, paper: PaperWidth) -> Vec<u8> {
    let l = t.lang.labels();
    let mut doc = Doc::new(paper);
    let n = Style::NORMAL;

    // Double size when the name fits on one line, else double height only (wrapping keeps it whole).
    let hall_width = if columns(&t.hall_name) * 2 <= paper.columns() { 2 } else { 1 };
    doc.para(&t.hall_name, n.center().bold().size(hall_width, 2));
    doc.rule();
    doc.para(l.your_number, n.center());
    let size = number_size(&t.number, paper);
    doc.para(&t.number, n.center().bold().size(size, size));
    doc.para(&format!("{}{}", l.matter, t.matter), n.center().bold().size(1, 2));
    if let Some(priority) = t.priority.as_deref().filter(|p| !p.trim().is_empty()) {
        doc.para(priority, n.center().bold());
    }
    doc.rule();

    if !t.windows.is_empty() {
        doc.para(l.go_to, n);
        for w in &t.windows {
            doc.para(&format!("● {}", w.label), n.bold().indent("  "));
            if !w.location.trim().is_empty() {
                doc.para(&format!("  {}{}", l.location, w.location), n.indent("  "));
            }
        }
    }
    // One line when it fits, else broken at the "·" rather than mid-word.
    let waiting = t.lang.waiting(t.waiting_ahead, t.estimated_wait_minutes);
    if columns(&waiting) <= paper.columns() {
        doc.para(&waiting, n.bold());
    } else {
        for part in waiting.split(" · ") {
            doc.para(part, n.bold());
        }
    }
    doc.para(&format!("{}{}", l.issued, t.issued_at), n);

    if !t.materials.is_empty() {
        doc.rule();
        doc.para(l.bring, n.bold());
        for (i, m) in t.materials.iter().enumerate() {
            let mark = if m.main { l.main } else { l.attachment };
            doc.para(&format!("{}.{mark}{}", i + 1, m.name), n.indent("   "));
        }
    }
    doc.rule();

    if !t.status_url.is_empty() && !doc.qr(&t.status_url, qr_module(paper)) {
        doc.para(&t.status_url, n.center());
    }
    doc.para(l.scan, n.center());
    doc.feed(1);
    doc.para(l.footer, n.center());
    doc.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sample(lang: Lang) -> TicketPrint {
        TicketPrint::sample(lang)
    }

    fn check_size(number: &str, paper: PaperWidth, expected: u8) {
        assert_eq!(number_size(number, paper), expected, "{number} on {paper}");
        let dots = u32::from(expected) * HALF_DOTS * columns(number) as u32;
        assert!(dots <= paper.dots() || expected == 1, "{number} at {expected}x is {dots} dots");
    }

    #[test]
    fn number_is_as_big_as_fits() {
        check_size("A023", PaperWidth::Mm58, 6);
        check_size("A0123", PaperWidth::Mm58, 6);
        check_size("VIP0123", PaperWidth::Mm58, 4);
        check_size("A023", PaperWidth::Mm80, 8);
        check_size("A0123", PaperWidth::Mm80, 8);
        check_size("AB01234", PaperWidth::Mm80, 6);
        check_size("", PaperWidth::Mm80, 8);
    }

    #[test]
    fn ticket_starts_with_init_and_ends_with_cut() {
        let bytes = ticket_bytes(&sample(Lang::Zh), PaperWidth::Mm58);
        assert_eq!(&bytes[..2], &[0x1B, b'@']);
        assert_eq!(&bytes[bytes.len() - 4..], &[0x1D, b'V', b'A', 0]);
    }
}
