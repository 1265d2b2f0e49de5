//! Tests of the ESC/POS parser.

use super::*;

fn text(s: &str, width: u8, height: u8, bold: bool, align: Align) -> Block {
    Block::Text { text: s.into(), width, height, bold, align }
}

fn check(bytes: &[u8], expected: &[Block]) {
    assert_eq!(decode(bytes).blocks, expected, "{bytes:02x?}");
}

#[test]
fn text_styles_and_alignment() {
    check(b"\x1b@hello\n", &[text("hello", 1, 1, false, Align::Left)]);
    check(b"\x1ba\x01\x1bE\x01\x1d!\x11Hi\n", &[text("Hi", 2, 2, true, Align::Center)]);
    check(
        b"\x1ba2\x1b!\x38W\n\x1b!\x00w\n",
        &[text("W", 2, 2, true, Align::Right), text("w", 1, 1, false, Align::Right)],
    );
    check(b"\x1d!\x55A023\x1d!\x00\n", &[text("A023", 6, 6, false, Align::Left)]);
    check(b"a\x18b\n", &[text("b", 1, 1, false, Align::Left)]);
}

#[test]
fn chinese_mode_reads_gb18030() {
    let (gb, _, _) = encoding_rs::GB18030.encode("青石镇€😀");
    let mut bytes = b"\x1b@\x1c&".to_vec();
    bytes.extend_from_slice(&gb);
    bytes.push(b'\n');
    check(&bytes, &[text("青石镇€😀", 1, 1, false, Align::Left)]);
    // After FS . high bytes are single characters.
    check(b"\x1c.\xe9\n", &[text("é", 1, 1, false, Align::Left)]);
}

#[test]
fn feeds_cuts_and_skipped_commands() {
    check(b"\n\x1bd\x03\x1bJ\x30", &[Block::Feed(1), Block::Feed(3), Block::Feed(2)]);
    let line = text("a", 1, 1, false, Align::Left);
    check(b"a\x1bd\x01a\x1bd\x03", &[line.clone(), line.clone(), Block::Feed(2)]);
    check(b"x\x1dVA\x00", &[text("x", 1, 1, false, Align::Left), Block::Cut { partial: false }]);
    check(b"\x1dV\x01\x1dVB\x05\x1bi", &vec![Block::Cut { partial: true }; 3]);
    // DLE EOT n [a], ESC t, ESC 2/3, GS L, GS W, ESC p, GS ( L graphics: none of them print.
    check(
        b"\x10\x04\x01\x10\x04\x12\x01\x1bt\x00\x1b2\x1b3\x40\x1dL\x00\x00\x1dW\x40\x02\x1bp\x00\x19\xfaok\n",
        &[text("ok", 1, 1, false, Align::Left)],
    );
    check(b"\x1d(L\x04\x000112ok\n", &[text("ok", 1, 1, false, Align::Left)]);
    check(b"\x1dv0\x00\x01\x00\x02\x00\xff\xffok\n", &[text("ok", 1, 1, false, Align::Left)]);
}

#[test]
fn qr_code_with_module_size() {
    let url = b"https://hall.example/t/1";
    let mut bytes = b"\x1d(k\x04\x00\x31\x41\x32\x00\x1d(k\x03\x00\x31\x43\x06\x1d(k\x03\x00\x31\x45\x31".to_vec();
    bytes.extend_from_slice(&[0x1D, b'(', b'k', url.len() as u8 + 3, 0, 49, 80, 48]);
    bytes.extend_from_slice(url);
    bytes.extend_from_slice(&[0x1D, b'(', b'k', 3, 0, 49, 81, 48]);
    check(&bytes, &[Block::Qr { data: "https://hall.example/t/1".into(), module: 6 }]);
}

#[test]
fn random_bytes_never_panic() {
    // xorshift: deterministic, no extra dependency.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let prefixes: [&[u8]; 6] = [b"", b"\x1b", b"\x1d(k", b"\x1d(k\xff\xff\x31\x50", b"\x1c&\x81", b"\x1d8L"];
    for round in 0..3000 {
        let len = (next() % 200) as usize;
        let mut bytes: Vec<u8> = prefixes[round % prefixes.len()].to_vec();
        // Bias towards command bytes so that command parsing is exercised.
        bytes.extend((0..len).map(|_| match next() % 4 {
            0 => [0x1B, 0x1D, 0x1C, 0x10, 0x0A, 0x00][(next() % 6) as usize],
            _ => next() as u8,
        }));
        let paper = decode(&bytes);
        assert!(paper.blocks.len() <= bytes.len() + 1, "{bytes:02x?}");
    }
}
