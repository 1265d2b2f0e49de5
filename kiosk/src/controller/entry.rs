//! What the pad of 「预约取号」 reads: an 8-digit booking code (typed, or the end of the booking
//! link a scanner reads from the QR code), or an 18-character 居民身份证号 (typed, or from an
//! ID-card reader that types), told apart by their form alone.

/// How the kiosk finds a booking at check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingKey {
    /// The 8-digit booking code.
    Code(String),
    /// The 18-character identity number (a final `x` upper-cased).
    IdNumber(String),
}

/// What the text typed so far is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Empty,
    Key(BookingKey),
    /// An identity number's form (17 digits and a digit or X) whose check digit is wrong.
    BadIdNumber,
    /// Neither a code nor an identity number (yet): too short, too long, a link without a code.
    Unknown,
}

/// A booking code's length.
pub const CODE_DIGITS: usize = 8;
/// An identity number's length.
pub const ID_CHARS: usize = 18;

/// Reads what was typed or scanned: all digits, 8 of them, is a code; 17 digits and a digit
/// or X is an identity number (its check digit checked); any other text whose last 8
/// characters are digits after something else (`https://…/book/12345678`) is a scanned code.
pub fn read(text: &str) -> Reading {
    let t = text.trim();
    if t.is_empty() {
        return Reading::Empty;
    }
    let upper = t.to_ascii_uppercase();
    if id_number_form(&upper) {
        return match id_number_valid(&upper) {
            true => Reading::Key(BookingKey::IdNumber(upper)),
            false => Reading::BadIdNumber,
        };
    }
    // Digits are one byte each, so the tail's length in characters is its length in bytes.
    match t.chars().rev().take_while(char::is_ascii_digit).count() {
        CODE_DIGITS => Reading::Key(BookingKey::Code(t[t.len() - CODE_DIGITS..].to_string())),
        _ => id_number_at_end(&upper).map_or(Reading::Unknown, |n| Reading::Key(BookingKey::IdNumber(n))),
    }
}

/// An ID-card reader's 18 characters after something left in the field (a number said to be
/// wrong, a code not finished): the card's number, when its check digit holds.
fn id_number_at_end(upper: &str) -> Option<String> {
    let tail = upper.get(upper.len().checked_sub(ID_CHARS)?..)?;
    (upper.len() > ID_CHARS && id_number_valid(tail)).then(|| tail.to_string())
}

/// 17 digits and a digit or `X` (upper case).
fn id_number_form(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == ID_CHARS && b[..ID_CHARS - 1].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || b[17] == b'X')
}

/// GB 11643: the 18th character is the check of the first 17 (weights 2^(17-i) mod 11;
/// `1 0 X 9 8 7 6 5 4 3 2` for sums mod 11 of 0..10).
pub fn id_number_valid(s: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    if !id_number_form(s) {
        return false;
    }
    let b = s.as_bytes();
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK[(sum % 11) as usize] == b[17]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> Reading {
        Reading::Key(BookingKey::Code(c.into()))
    }
    fn id(n: &str) -> Reading {
        Reading::Key(BookingKey::IdNumber(n.into()))
    }

    #[test]
    fn codes_identity_numbers_and_scanned_links_are_told_apart() {
        let cases: &[(&str, Reading)] = &[
            ("", Reading::Empty),
            ("   ", Reading::Empty),
            ("12345678", code("12345678")),
            (" 12345678\n", code("12345678")),
            ("1234567", Reading::Unknown),
            ("123456789", Reading::Unknown),
            // The booking page's link, as a scanner types it.
            ("http://192.168.10.2:8080/book/04718263", code("04718263")),
            ("https://hall.example.cn/book/04718263", code("04718263")),
            ("https://hall.example.cn/book/?code=04718263", code("04718263")),
            // A link that ends in more or fewer digits is not a booking.
            ("https://hall.example.cn/t/123456789", Reading::Unknown),
            ("https://hall.example.cn/book/1234567", Reading::Unknown),
            ("https://hall.example.cn/book", Reading::Unknown),
            // Identity numbers (GB 11643 check digit), an X typed in either case.
            ("11010519491231002X", id("11010519491231002X")),
            ("11010519491231002x", id("11010519491231002X")),
            ("110101199003074477", id("110101199003074477")),
            ("440524188001010014", id("440524188001010014")),
            ("110101199003074478", Reading::BadIdNumber),
            ("11010519491231002Y", Reading::Unknown),
            ("11010519491231002", Reading::Unknown),
            ("1101051949123100211", Reading::Unknown),
            // A card read after what was left in the field: the card's number.
            ("12345611010519491231002X", id("11010519491231002X")),
            ("1101051949123100211010519491231002x", id("11010519491231002X")),
            ("0471826110101199003074477", id("110101199003074477")),
            ("9110101199003074478", Reading::Unknown),
        ];
        for (text, expected) in cases {
            assert_eq!(&read(text), expected, "{text:?}");
        }
    }

    #[test]
    fn the_check_digit_over_real_format_numbers() {
        for ok in ["11010519491231002X", "110101199003074477", "440524188001010014", "310104198001010017"] {
            assert!(id_number_valid(ok), "{ok}");
        }
        for bad in ["11010519491231002 ", "110105194912310021", "11010519491231002x", "1101051949123100", ""] {
            assert!(!id_number_valid(bad), "{bad}");
        }
    }
}
