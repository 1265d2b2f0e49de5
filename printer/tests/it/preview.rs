//! The preview target draws the job as a PNG.

use hall_printer::{test_page_bytes, ticket_bytes, Lang, PaperWidth, Printer, Target};

use crate::sample;

fn black_share(img: &image::RgbImage) -> f64 {
    let black = img.pixels().filter(|p| p.0 == [0, 0, 0]).count();
    black as f64 / (img.width() * img.height()) as f64
}

#[test]
fn preview_target_writes_a_png_of_the_paper_width() {
    let dir = tempfile::tempdir().unwrap();
    for (paper, lang) in [(PaperWidth::Mm58, Lang::Zh), (PaperWidth::Mm80, Lang::En)] {
        let path = dir.path().join(format!("ticket-{paper}.png"));
        let printer = Printer::new(Target::Preview(path.clone()), paper);
        assert_eq!(printer.status(), Ok(()));
        printer.print(&ticket_bytes(&sample(lang), paper)).unwrap();
        let img = image::open(&path).unwrap().to_rgb8();
        assert_eq!(img.width(), paper.dots(), "{paper}");
        assert!(img.height() > img.width() * 2, "{paper}: a ticket is long, got {}", img.height());
        let share = black_share(&img);
        assert!((0.04..0.5).contains(&share), "{paper}: {:.3} of the dots are black", share);
    }
}

#[test]
fn test_page_preview_has_ink() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.png");
    hall_printer::preview::save_png(&test_page_bytes(PaperWidth::Mm58), PaperWidth::Mm58, &path).unwrap();
    let img = image::open(&path).unwrap().to_rgb8();
    assert_eq!(img.width(), 384);
    assert!(black_share(&img) > 0.04);
}
