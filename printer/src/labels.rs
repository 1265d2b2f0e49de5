//! The fixed words printed on the ticket, in Chinese or English. Names (hall, matter, windows, materials)
//! are printed as the caller gives them.

/// Language of the labels on the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

pub struct Labels {
    pub your_number: &'static str,
    pub matter: &'static str,
    pub go_to: &'static str,
    pub location: &'static str,
    pub issued: &'static str,
    pub bring: &'static str,
    pub main: &'static str,
    pub attachment: &'static str,
    pub scan: &'static str,
    pub footer: &'static str,
}

const ZH: Labels = Labels {
    your_number: "您的号码",
    matter: "办理事项：",
    go_to: "请到以下窗口办理：",
    location: "位置：",
    issued: "取号时间：",
    bring: "请携带以下材料（一次性告知）：",
    main: "【主件】",
    attachment: "【附件】",
    scan: "扫码查看叫号进度",
    footer: "请留意叫号屏及语音提示，过号请与工作人员联系",
};

const EN: Labels = Labels {
    your_number: "Your number",
    matter: "Service: ",
    go_to: "Please go to:",
    location: "Location: ",
    issued: "Issued: ",
    bring: "Please bring (complete list):",
    main: "[Main] ",
    attachment: "[Copy] ",
    scan: "Scan to follow the queue",
    footer: "Watch the screen and listen for your number. If you miss it, speak to the staff.",
};

impl Lang {
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// 「前面还有 N 人 · 预计等候 N 分钟」
    pub fn waiting(self, ahead: u32, minutes: u32) -> String {
        match self {
            Lang::Zh => format!("前面还有 {ahead} 人 · 预计等候 {minutes} 分钟"),
            Lang::En => {
                let people = if ahead == 1 { "person" } else { "people" };
                format!("{ahead} {people} ahead · about {minutes} min wait")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label with its name; destructured, so a new label cannot be left out here.
    fn all(l: &Labels) -> [(&'static str, &'static str); 10] {
        let Labels { your_number, matter, go_to, location, issued, bring, main, attachment, scan, footer } = *l;
        [
            ("your_number", your_number),
            ("matter", matter),
            ("go_to", go_to),
            ("location", location),
            ("issued", issued),
            ("bring", bring),
            ("main", main),
            ("attachment", attachment),
            ("scan", scan),
            ("footer", footer),
        ]
    }

    #[test]
    fn every_label_is_in_chinese_and_in_english() {
        let cjk = |s: &str| {
            s.chars().any(|c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c))
        };
        for ((name, zh), (_, en)) in all(Lang::Zh.labels()).into_iter().zip(all(Lang::En.labels())) {
            assert!(!zh.trim().is_empty() && cjk(zh), "{name}: the Chinese label is missing: {zh:?}");
            assert!(!en.trim().is_empty(), "{name}: no English");
            assert!(!cjk(en), "{name}: the English label has Chinese in it: {en:?}");
        }
    }

    /// A missed call is put back at its place by the window (the no-show's requeue), as the
    /// phone page says: the paper does not send the citizen to the back of the queue.
    #[test]
    fn a_missed_call_is_taken_to_the_staff_not_to_a_new_ticket() {
        assert!(Lang::Zh.labels().footer.contains("过号请与工作人员联系"));
        assert!(!Lang::Zh.labels().footer.contains("重新取号"));
        assert!(!Lang::En.labels().footer.contains("new ticket"));
    }

    #[test]
    fn waiting_line_in_both_languages() {
        assert_eq!(Lang::Zh.waiting(3, 12), "前面还有 3 人 · 预计等候 12 分钟");
        assert_eq!(Lang::En.waiting(1, 5), "1 person ahead · about 5 min wait");
        assert_eq!(Lang::En.waiting(0, 0), "0 people ahead · about 0 min wait");
    }
}
