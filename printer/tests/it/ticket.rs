//! The ticket, decoded back from its bytes.

use hall_printer::decode::{decode, Block};
use hall_printer::wrap::columns;
use hall_printer::{ticket_bytes, Lang, PaperWidth, TicketLine};

use crate::{sample, squash};

const PAPERS: [PaperWidth; 2] = [PaperWidth::Mm58, PaperWidth::Mm80];

#[test]
fn ticket_says_what_the_kiosk_gave_in_gb18030() {
    let t = sample(Lang::Zh);
    for paper in PAPERS {
        let bytes = ticket_bytes(&t, paper);
        let (hall, _, _) = encoding_rs::GB18030.encode(&t.hall_name);
        assert!(bytes.windows(hall.len()).any(|w| w == &hall[..]), "{paper}: hall name as GB18030");
        let printed = decode(&bytes);
        let text = squash(&printed.text());
        for expected in [&t.hall_name, &t.matter, "优先（老年人）", "3号窗口", "一楼大厅北侧", "2026-11-2509:42"]
        {
            assert!(text.contains(&squash(expected)), "{paper}: {expected:?} missing from {text}");
        }
        for m in &t.materials {
            assert!(text.contains(&squash(&m.name)), "{paper}: material {:?}", m.name);
        }
        assert_eq!(text.matches("【主件】").count(), 2, "{paper}");
        assert_eq!(text.matches("【附件】").count(), 1, "{paper}");
        // One line on 80 mm; on 58 mm it does not fit and is broken at the "·".
        let waiting = if paper == PaperWidth::Mm80 {
            "前面还有4人·预计等候18分钟"
        } else {
            "前面还有4人预计等候18分钟"
        };
        assert!(text.contains(waiting), "{paper}: {text}");
        assert!(text.contains("请携带以下材料（一次性告知）"), "{paper}");
        assert!(text.contains("扫码查看叫号进度"), "{paper}");
    }
}

#[test]
fn number_is_the_largest_text_qr_is_the_status_url_and_it_ends_cut() {
    let t = sample(Lang::Zh);
    for (paper, size) in [(PaperWidth::Mm58, 6), (PaperWidth::Mm80, 8)] {
        let printed = decode(&ticket_bytes(&t, paper));
        assert_eq!(printed.largest_text(), ("A023".to_string(), size, size), "{paper}");
        assert_eq!(printed.qr_payloads(), vec![t.status_url.clone()], "{paper}");
        assert!(printed.cut(), "{paper}");
        assert!(matches!(printed.blocks.last(), Some(Block::Cut { partial: false })));
    }
}

#[test]
fn english_labels_keep_the_names() {
    let t = sample(Lang::En);
    let text = decode(&ticket_bytes(&t, PaperWidth::Mm80)).text();
    for expected in ["Your number", "Please go to:", "[Main] 居民身份证原件", "[Copy]", "4 people ahead", "Scan"]
    {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert!(!text.contains("请携带"), "{text}");
    assert!(text.contains("婚姻登记（结婚）"));
}

#[test]
fn every_line_fits_its_paper() {
    let mut t = sample(Lang::Zh);
    t.hall_name = "青石镇人民政府便民服务中心（政务服务大厅）".into();
    t.number = "VIP0123".into();
    t.materials.push(TicketLine {
        name: "申请人所在单位或村（居）委会出具的本人无配偶以及与对方当事人之间不具有直系血亲关系的签字声明".into(),
        main: false,
    });
    t.status_url = format!("https://hall.example.cn/t/{}", "x".repeat(120));
    for lang in [Lang::Zh, Lang::En] {
        t.lang = lang;
        for paper in PAPERS {
            let printed = decode(&ticket_bytes(&t, paper));
            let mut lines = 0;
            for block in &printed.blocks {
                if let Block::Text { text, width, .. } = block {
                    let dots = columns(text) * usize::from(*width) * 12;
                    assert!(dots <= paper.dots() as usize, "{paper}: {text:?} at {width}x is {dots} dots");
                    lines += 1;
                }
            }
            assert!(lines > 20, "{paper}: {lines} lines");
            let text = squash(&printed.text());
            assert!(text.contains("签字声明"), "{paper}: the long material is printed whole");
            assert_eq!(printed.largest_text().0, "VIP0123");
        }
    }
}

#[test]
fn no_priority_and_no_materials_leave_their_lines_out() {
    let mut t = sample(Lang::Zh);
    t.priority = None;
    t.materials.clear();
    let text = decode(&ticket_bytes(&t, PaperWidth::Mm58)).text();
    assert!(!text.contains("优先"), "{text}");
    assert!(!text.contains("请携带"), "{text}");
    assert!(text.contains("A023"));
}
