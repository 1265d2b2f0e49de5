//! Sending a job to a [`Target`], with a real-time status check before and a confirmation after.

use std::time::Duration;

use crate::fault::Fault;
use crate::link::{FileLink, Link, TcpLink};
use crate::paper::PaperWidth;
use crate::status;
use crate::target::Target;
use crate::usb::UsbLink;

/// Default connect / write / read timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long to wait for the answer to each status question before the job.
pub const STATUS_WAIT: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printer {
    target: Target,
    paper: PaperWidth,
    timeout: Duration,
}

impl Printer {
    pub fn new(target: Target, paper: PaperWidth) -> Self {
        Printer { target, paper, timeout: DEFAULT_TIMEOUT }
    }

    /// Connect, write and confirmation timeout (default 3 s). Status answers are awaited at most 300 ms each,
    /// or this timeout if it is shorter.
    pub fn with_timeout(self, d: Duration) -> Self {
        Printer { timeout: d, ..self }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn paper(&self) -> PaperWidth {
        self.paper
    }

    fn status_wait(&self) -> Duration {
        STATUS_WAIT.min(self.timeout)
    }

    fn open(&self) -> Result<Option<Box<dyn Link>>, Fault> {
        Ok(Some(match &self.target {
            Target::Tcp { host, port } => Box::new(TcpLink::connect(host, *port, self.timeout)?),
            Target::Usb { vendor, product } => Box::new(UsbLink::open(*vendor, *product, self.timeout)?),
            Target::File(path) => Box::new(FileLink::open(path)?),
            Target::Preview(_) => return Ok(None),
        }))
    }

    /// Real-time status where the printer answers it: Ok for a ready printer, one that does not answer status
    /// queries, a file that can be opened, and a preview when a CJK font is installed.
    pub fn status(&self) -> Result<(), Fault> {
        match self.open()? {
            Some(mut link) => status::check(link.as_mut(), self.status_wait()).map(|_| ()),
            None => crate::preview::check_font().map_err(|e| Fault::Failed(format!("{e:#}"))),
        }
    }

    /// Checks the status, then writes all of `bytes`. Ok only when every byte was written and flushed and,
    /// for a printer that answers status queries, it confirmed having read the whole job.
    pub fn print(&self, bytes: &[u8]) -> Result<(), Fault> {
        let Some(mut link) = self.open()? else {
            let Target::Preview(path) = &self.target else { unreachable!("only a preview has no link") };
            return crate::preview::save_png(bytes, self.paper, path).map_err(|e| Fault::Failed(format!("{e:#}")));
        };
        let answers = status::check(link.as_mut(), self.status_wait())?;
        link.send(bytes)?;
        link.flush()?;
        if answers {
            status::confirm(link.as_mut(), self.status_wait(), self.timeout)?;
        }
        tracing::info!(target = %self.target, bytes = bytes.len(), confirmed = answers, "printed");
        Ok(())
    }
}
