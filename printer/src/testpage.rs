//! The `printer-test` page: checks Chinese text, the sizes, emphasis, the line width and the QR code.

use crate::doc::{Doc, Style};
use crate::paper::PaperWidth;

/// Sentence the test page prints so the installer can see Chinese renders.
pub const TEST_SENTENCE: &str = "打印测试 青石镇便民服务中心 中文显示正常";
/// Payload of the test page's QR code.
pub const TEST_QR: &str = "HALL-PRINTER-TEST";

/// The whole test page job, from ESC @ to the cut.
pub fn test_page_bytes(paper: PaperWidth) -> Vec<u8> {
    let mut doc = Doc::new(paper);
    let n = Style::NORMAL;
    doc.para("打印测试", n.center().bold().size(2, 2));
    doc.rule();
    doc.para(TEST_SENTENCE, n);
    doc.para(&format!("纸宽{paper} {}点 每行{}列", paper.dots(), paper.columns()), n);
    let ruler: String = (1..=paper.columns()).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
    doc.para(&ruler, n);
    doc.para("粗体 Bold 1234567890", n.bold());
    for size in 1..=3u8 {
        doc.para(&format!("{size}倍 A{size}"), n.size(size, size));
    }
    doc.para("A023", n.center().bold().size(6, 6));
    doc.rule();
    doc.qr(TEST_QR, 6);
    doc.para("扫码测试 QR", n.center());
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_page_has_the_sentence_in_gb18030_and_a_cut() {
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for paper in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let bytes = test_page_bytes(paper);
            let (gb, _, _) = encoding_rs::GB18030.encode("青石镇便民服务中心");
            assert!(bytes.windows(gb.len()).any(|w| w == &gb[..]), "{paper}: GB18030 bytes");
            let printed = crate::decode::decode(&bytes);
            assert!(squash(&printed.text()).contains(&squash(TEST_SENTENCE)), "{paper}: {}", printed.text());
            assert_eq!(printed.qr_payloads(), vec![TEST_QR]);
            assert_eq!(printed.largest_text(), ("A023".to_string(), 6, 6));
            assert!(printed.cut());
        }
    }
}
