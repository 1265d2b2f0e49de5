//! What can go wrong with a print, in words the kiosk can show and a stable code it can report.

/// A print (or status check) that did not succeed. Messages are in Chinese with the English in brackets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("无法连接打印机（printer unreachable）：{0}")]
    Unreachable(String),
    #[error("打印机离线（printer offline）")]
    Offline,
    #[error("打印机上盖打开（cover open）")]
    CoverOpen,
    #[error("打印纸用完（paper out）")]
    PaperOut,
    #[error("打印失败（print failed）：{0}")]
    Failed(String),
}

impl Fault {
    /// Stable identifier for reports and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Fault::Unreachable(_) => "printer_unreachable",
            Fault::Offline => "printer_offline",
            Fault::CoverOpen => "cover_open",
            Fault::PaperOut => "paper_out",
            Fault::Failed(_) => "print_failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(fault: Fault, code: &str, text: &str) {
        assert_eq!(fault.code(), code);
        assert!(fault.to_string().contains(text), "{fault}");
    }

    #[test]
    fn codes_and_messages() {
        check(Fault::Unreachable("connection refused".into()), "printer_unreachable", "connection refused");
        check(Fault::Offline, "printer_offline", "离线");
        check(Fault::CoverOpen, "cover_open", "上盖");
        check(Fault::PaperOut, "paper_out", "paper out");
        check(Fault::Failed("timed out".into()), "print_failed", "打印失败");
    }
}
