//! Where a job goes: `tcp://HOST[:PORT]`, `usb://VID:PID`, `file:PATH`, `preview:PATH.png`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Port of raw network printing (JetDirect / AppSocket).
pub const DEFAULT_PORT: u16 = 9100;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A network printer, raw TCP.
    Tcp { host: String, port: u16 },
    /// A USB printer claimed directly (vendor and product id).
    Usb { vendor: u16, product: u16 },
    /// A file or device node, e.g. /dev/usb/lp0; bytes are appended.
    File(PathBuf),
    /// No printer: the job is drawn as a PNG.
    Preview(PathBuf),
}

const FORMS: &str = "expected tcp://HOST:PORT, usb://VID:PID (hex), file:PATH or preview:PATH.png";

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("tcp://") {
            parse_tcp(rest.trim_end_matches('/')).map_err(|e| format!("printer target {s:?}: {e}"))
        } else if let Some(rest) = s.strip_prefix("usb://") {
            parse_usb(rest).map_err(|e| format!("printer target {s:?}: {e}"))
        } else if let Some(path) = s.strip_prefix("file:") {
            non_empty(path, s).map(Target::File)
        } else if let Some(path) = s.strip_prefix("preview:") {
            let path = non_empty(path, s)?;
            match path.extension().and_then(|e| e.to_str()) {
                Some(ext) if ext.eq_ignore_ascii_case("png") => Ok(Target::Preview(path)),
                _ => Err(format!("printer target {s:?}: a preview is a .png file")),
            }
        } else {
            Err(format!("printer target {s:?}: {FORMS}"))
        }
    }
}

fn non_empty(path: &str, whole: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        Err(format!("printer target {whole:?}: the path is missing"))
    } else {
        Ok(PathBuf::from(path))
    }
}

fn parse_tcp(rest: &str) -> Result<Target, String> {
    // [v6::addr]:port, host:port or host alone.
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or("unclosed '[' in the host")?;
        (host, after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    if host.is_empty() || host.contains(['/', ' ']) {
        return Err("the host is missing or malformed".into());
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p.parse::<u16>().ok().filter(|&p| p != 0).ok_or(format!("bad port {p:?} (1-65535)"))?,
    };
    Ok(Target::Tcp { host: host.to_string(), port })
}

fn parse_usb(rest: &str) -> Result<Target, String> {
    let (vendor, product) = rest.split_once(':').ok_or("expected VID:PID, e.g. usb://04b8:0202")?;
    let hex = |s: &str| {
        let s = s.trim_start_matches("0x");
        if s.is_empty() || s.len() > 4 {
            return Err(format!("bad USB id {s:?}: up to 4 hex digits"));
        }
        u16::from_str_radix(s, 16).map_err(|_| format!("bad USB id {s:?}: up to 4 hex digits"))
    };
    Ok(Target::Usb { vendor: hex(vendor)?, product: hex(product)? })
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            Target::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Target::Usb { vendor, product } => write!(f, "usb://{vendor:04x}:{product:04x}"),
            Target::File(path) => write!(f, "file:{}", path.display()),
            Target::Preview(path) => write!(f, "preview:{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16) -> Result<Target, &'static str> {
        Ok(Target::Tcp { host: host.into(), port })
    }

    /// `expected` Err holds a piece of the error text.
    fn check(input: &str, expected: Result<Target, &str>) {
        let got = input.parse::<Target>();
        match (&got, &expected) {
            (Ok(t), Ok(e)) => {
                assert_eq!(t, e, "{input}");
                assert_eq!(t.to_string().parse::<Target>().as_ref(), Ok(t), "{input} round-trips");
            }
            (Err(msg), Err(part)) => assert!(msg.contains(part), "{input}: {msg:?} lacks {part:?}"),
            _ => panic!("{input}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn parses_targets() {
        check("tcp://192.168.1.50:9100", tcp("192.168.1.50", 9100));
        check("tcp://printer-1.hall.local", tcp("printer-1.hall.local", 9100));
        check("tcp://10.0.0.7:9101/", tcp("10.0.0.7", 9101));
        check("tcp://[fe80::1]:9100", tcp("fe80::1", 9100));
        check("usb://04b8:0202", Ok(Target::Usb { vendor: 0x04b8, product: 0x0202 }));
        check("usb://0x0416:0x5011", Ok(Target::Usb { vendor: 0x0416, product: 0x5011 }));
        check("file:/dev/usb/lp0", Ok(Target::File("/dev/usb/lp0".into())));
        check("preview:/tmp/ticket.png", Ok(Target::Preview("/tmp/ticket.png".into())));
    }

    #[test]
    fn rejects_bad_targets_with_the_reason() {
        check("tcp://host:0", Err("bad port"));
        check("tcp://host:99999", Err("bad port"));
        check("tcp://:9100", Err("host is missing"));
        check("usb://04b8", Err("VID:PID"));
        check("usb://04b8:zz", Err("hex digits"));
        check("usb://12345:1", Err("hex digits"));
        check("file:", Err("path is missing"));
        check("preview:/tmp/ticket.jpg", Err(".png"));
        check("lp0", Err("expected tcp://"));
        check("http://printer", Err("expected tcp://"));
    }
}
