//! Real-time status (DLE EOT n): asking the printer and reading its answer bytes.

use std::time::Duration;

use escpos::utils::{RealTimeStatusRequest as Req, RealTimeStatusResponse as Resp, DLE, EOT};

use crate::fault::Fault;
use crate::link::Link;

/// DLE EOT n (n = 1 printer, 2 offline cause, 4 roll paper sensor).
pub fn query(n: u8) -> [u8; 3] {
    [DLE, EOT, n]
}

/// True when `query` is a status request these bytes start with, with its length (3, or 4 for n = 7, 8, 18).
/// The fake printer's side of the exchange.
#[cfg(any(feature = "fake", test))]
pub fn status_request_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [DLE, EOT, 1..=5, ..] => Some(3),
        [DLE, EOT, 7 | 8 | 18, _, ..] => Some(4),
        _ => None,
    }
}

/// What the printer's answers say. `printer` is the DLE EOT 1 answer, `cause` DLE EOT 2, `roll` DLE EOT 4.
/// An answer that does not have the fixed bits of a status byte (0xx1xx10) counts as no answer.
pub fn interpret(printer: u8, cause: Option<u8>, roll: Option<u8>) -> Result<(), Fault> {
    let Ok(printer) = Resp::parse(Req::Printer, printer) else {
        return Ok(());
    };
    let flag = |map: Option<std::collections::HashMap<Resp, bool>>, key: Resp| map.and_then(|m| m.get(&key).copied());
    let cause = cause.and_then(|b| Resp::parse(Req::OfflineCause, b).ok());
    let roll = roll.and_then(|b| Resp::parse(Req::RollPaperSensor, b).ok());
    let roll_end = flag(roll, Resp::RollPaperEndSensorPaperPresent) == Some(false);
    if printer.get(&Resp::Online) == Some(&true) {
        return if roll_end { Err(Fault::PaperOut) } else { Ok(()) };
    }
    if flag(cause.clone(), Resp::CoverClosed) == Some(false) {
        Err(Fault::CoverOpen)
    } else if flag(cause, Resp::PrintingStopsDueToPaperEnd) == Some(true) || roll_end {
        Err(Fault::PaperOut)
    } else {
        Err(Fault::Offline)
    }
}

/// Asks DLE EOT 1, 2 and 4, waiting `wait` for each answer. `Ok(false)` when the printer does not answer the
/// first question (it does not support real-time status, so the job is sent unchecked).
pub(crate) fn check(link: &mut dyn Link, wait: Duration) -> Result<bool, Fault> {
    if !link.can_answer() {
        return Ok(false);
    }
    link.send(&query(1))?;
    let Some(printer) = link.answer(wait) else {
        tracing::debug!("printer does not answer DLE EOT 1; printing without a status check");
        return Ok(false);
    };
    link.send(&query(2))?;
    let cause = link.answer(wait);
    link.send(&query(4))?;
    let roll = link.answer(wait);
    interpret(printer, cause, roll).map(|()| true)
}

/// After a job: asks DLE EOT 1 again and waits up to `timeout`. The answer comes only once the printer has
/// read everything before it, so silence means the job did not get through.
pub(crate) fn confirm(link: &mut dyn Link, wait: Duration, timeout: Duration) -> Result<(), Fault> {
    link.drain();
    link.send(&query(1))?;
    let Some(printer) = link.answer(timeout) else {
        return Err(Fault::Failed(format!("the printer did not confirm the job within {timeout:?}")));
    };
    if Resp::parse(Req::Printer, printer).is_ok_and(|m| m.get(&Resp::Online) == Some(&true)) {
        return Ok(());
    }
    link.send(&query(2))?;
    let cause = link.answer(wait);
    link.send(&query(4))?;
    let roll = link.answer(wait);
    interpret(printer, cause, roll)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(printer: u8, cause: Option<u8>, roll: Option<u8>, expected: Result<(), Fault>) {
        assert_eq!(interpret(printer, cause, roll), expected, "{printer:08b} {cause:?} {roll:?}");
    }

    #[test]
    fn interprets_status_bytes() {
        check(0x12, Some(0x12), Some(0x12), Ok(()));
        check(0x12, None, None, Ok(()));
        check(0x12, Some(0x12), Some(0x1E), Ok(())); // near end only
        check(0x12, Some(0x12), Some(0x72), Err(Fault::PaperOut));
        check(0x1A, Some(0x16), Some(0x12), Err(Fault::CoverOpen));
        check(0x1A, Some(0x32), Some(0x7E), Err(Fault::PaperOut));
        check(0x1A, Some(0x12), Some(0x72), Err(Fault::PaperOut));
        check(0x1A, Some(0x52), Some(0x12), Err(Fault::Offline));
        check(0x1A, None, None, Err(Fault::Offline));
        check(0xFF, None, None, Ok(())); // not a status byte: treated as no answer
    }

    #[test]
    fn recognises_status_requests() {
        assert_eq!(status_request_len(&[0x10, 0x04, 1, 0x1B]), Some(3));
        assert_eq!(status_request_len(&[0x10, 0x04, 18, 1]), Some(4));
        assert_eq!(status_request_len(&[0x10, 0x04, 18]), None);
        assert_eq!(status_request_len(&[0x10, 0x05, 1]), None);
    }
}
