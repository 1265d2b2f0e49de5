//! Draws a sample ticket: `cargo run -p hall-printer --example ticket_preview -- [58|80] [zh|en] [OUT.png]`
//! (default 58, zh, /tmp/ticket.png). Add `test` as the language to draw the `printer-test` page instead.

use hall_printer::{preview, test_page_bytes, ticket_bytes, Lang, PaperWidth, TicketLine, TicketPrint, WindowLine};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let paper: PaperWidth = args.first().map_or("58", String::as_str).parse().map_err(anyhow::Error::msg)?;
    let lang = args.get(1).map_or("zh", String::as_str);
    let out = args.get(2).map_or("/tmp/ticket.png", String::as_str);
    let bytes = match lang {
        "test" => test_page_bytes(paper),
        "en" => ticket_bytes(&sample(Lang::En), paper),
        _ => ticket_bytes(&sample(Lang::Zh), paper),
    };
    preview::save_png(&bytes, paper, out.as_ref())?;
    println!("{out}: {} bytes of ESC/POS drawn", bytes.len());
    Ok(())
}

fn sample(lang: Lang) -> TicketPrint {
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
