//! Draws a sample ticket: `cargo run -p hall-printer --example ticket_preview -- [58|80] [zh|en] [OUT.png]`
//! (default 58, zh, /tmp/ticket.png). Add `test` as the language to draw the `printer-test` page instead.

use hall_printer::{preview, test_page_bytes, ticket_bytes, Lang, PaperWidth, TicketPrint};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let paper: PaperWidth = args.first().map_or("58", String::as_str).parse().map_err(anyhow::Error::msg)?;
    let lang = args.get(1).map_or("zh", String::as_str);
    let out = args.get(2).map_or("/tmp/ticket.png", String::as_str);
    let bytes = match lang {
        "test" => test_page_bytes(paper),
        "en" => ticket_bytes(&TicketPrint::sample(Lang::En), paper),
        _ => ticket_bytes(&TicketPrint::sample(Lang::Zh), paper),
    };
    preview::save_png(&bytes, paper, out.as_ref())?;
    println!("{out}: {} bytes of ESC/POS drawn", bytes.len());
    Ok(())
}
