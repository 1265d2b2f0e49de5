//! A connection to a printer: send bytes, wait for a status byte. TCP and file here, USB in `usb`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use crate::fault::Fault;

pub(crate) trait Link {
    /// Writes all of `bytes`; an error or a timeout part-way is [`Fault::Failed`].
    fn send(&mut self, bytes: &[u8]) -> Result<(), Fault>;
    /// One byte from the printer if it answers within `wait`.
    fn answer(&mut self, wait: Duration) -> Option<u8>;
    /// Pushes buffered bytes out.
    fn flush(&mut self) -> Result<(), Fault>;
    /// Whether the printer can talk back at all (a file cannot).
    fn can_answer(&self) -> bool {
        true
    }
    /// Throws away bytes already received (late answers), so the next answer belongs to the next question.
    fn drain(&mut self) {}
}

pub(crate) struct TcpLink {
    stream: TcpStream,
    peer: SocketAddr,
    timeout: Duration,
}

impl TcpLink {
    /// Connects to the first address of `host` that accepts within `timeout`.
    pub fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpLink, Fault> {
        let addrs: Vec<SocketAddr> =
            (host, port).to_socket_addrs().map_err(|e| Fault::Unreachable(format!("{host}:{port}: {e}")))?.collect();
        let mut last = format!("{host}:{port}: no address");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    stream.set_nodelay(true).ok();
                    return Ok(TcpLink { stream, peer: addr, timeout });
                }
                Err(e) => last = format!("{addr}: {e}"),
            }
        }
        Err(Fault::Unreachable(last))
    }
}

impl Link for TcpLink {
    fn send(&mut self, bytes: &[u8]) -> Result<(), Fault> {
        let failed = |e: std::io::Error| Fault::Failed(format!("{}: {e}", self.peer));
        self.stream.set_write_timeout(Some(self.timeout)).map_err(failed)?;
        self.stream.write_all(bytes).map_err(failed)
    }

    fn answer(&mut self, wait: Duration) -> Option<u8> {
        self.stream.set_read_timeout(Some(wait.max(Duration::from_millis(1)))).ok()?;
        let mut byte = [0u8; 1];
        match self.stream.read(&mut byte) {
            Ok(1) => Some(byte[0]),
            _ => None,
        }
    }

    fn flush(&mut self) -> Result<(), Fault> {
        self.stream.flush().map_err(|e| Fault::Failed(format!("{}: {e}", self.peer)))
    }

    fn drain(&mut self) {
        if self.stream.set_nonblocking(true).is_ok() {
            let mut buf = [0u8; 64];
            while matches!(self.stream.read(&mut buf), Ok(n) if n > 0) {}
            let _ = self.stream.set_nonblocking(false);
        }
    }
}

/// A file or a device node such as /dev/usb/lp0; bytes are appended.
pub(crate) struct FileLink {
    file: File,
    path: String,
}

impl FileLink {
    pub fn open(path: &Path) -> Result<FileLink, Fault> {
        let shown = path.display().to_string();
        // A device node is never created: an unplugged printer must be a fault, not a new
        // regular file under /dev that swallows every ticket.
        let file = OpenOptions::new()
            .append(true)
            .create(!path.starts_with("/dev"))
            .open(path)
            .map_err(|e| Fault::Unreachable(format!("{shown}: {e}")))?;
        Ok(FileLink { file, path: shown })
    }
}

impl Link for FileLink {
    fn send(&mut self, bytes: &[u8]) -> Result<(), Fault> {
        self.file.write_all(bytes).map_err(|e| Fault::Failed(format!("{}: {e}", self.path)))
    }

    fn answer(&mut self, _wait: Duration) -> Option<u8> {
        None
    }

    fn flush(&mut self) -> Result<(), Fault> {
        self.file.flush().map_err(|e| Fault::Failed(format!("{}: {e}", self.path)))
    }

    fn can_answer(&self) -> bool {
        false
    }
}
