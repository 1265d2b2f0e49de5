//! Transfer rules (转办): where a ticket at a window may be sent. Pure: the hall is data.

use crate::hall::{Hall, Matter};

/// Why a transfer is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Neither a matter nor a window to send it to.
    TargetRequired,
    UnknownWindow(String),
    /// Sent to the window it is already at, and to no other matter.
    SameWindow,
    /// A ticket of an earlier day cannot wait in today's queues.
    Expired {
        number: String,
        day: String,
    },
    UnknownService(String),
    /// The ticket's own matter is no longer configured and no other was given.
    MatterGone,
}

/// What the clerk asked for, checked before the ticket is looked at.
pub fn check_request(
    hall: &Hall,
    at_window: &str,
    service_id: Option<&str>,
    to_window: Option<&str>,
) -> Result<(), Refusal> {
    if service_id.is_none() && to_window.is_none() {
        return Err(Refusal::TargetRequired);
    }
    if let Some(w) = to_window {
        if hall.window(w).is_none() {
            return Err(Refusal::UnknownWindow(w.to_string()));
        }
        if w == at_window && service_id.is_none() {
            return Err(Refusal::SameWindow);
        }
    }
    Ok(())
}

/// The ticket now at the window.
pub struct AtWindow<'a> {
    pub number: &'a str,
    pub day: &'a str,
    pub service_id: &'a str,
    /// The window it is at.
    pub window: &'a str,
}

/// The matter the ticket will wait for: the one asked for, or its own (to another window). Its
/// own matter at its own window is no transfer (it would only count as one).
pub fn destination<'h>(
    hall: &'h Hall,
    ticket: &AtWindow,
    today: &str,
    service_id: Option<&str>,
    to_window: Option<&str>,
) -> Result<&'h Matter, Refusal> {
    if ticket.day != today {
        return Err(Refusal::Expired { number: ticket.number.to_string(), day: ticket.day.to_string() });
    }
    let matter = match service_id {
        Some(s) => hall.matter(s).ok_or_else(|| Refusal::UnknownService(s.to_string()))?,
        None => hall.matter(ticket.service_id).ok_or(Refusal::MatterGone)?,
    };
    if to_window == Some(ticket.window) && matter.id == ticket.service_id {
        return Err(Refusal::SameWindow);
    }
    Ok(matter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_needs_a_real_target_and_a_ticket_of_today() {
        let hall = crate::config::sample();
        let check = |service: Option<&str>, window: Option<&str>, expected: Result<(), Refusal>| {
            assert_eq!(check_request(&hall, "w02", service, window), expected, "{service:?} {window:?}");
        };
        check(None, None, Err(Refusal::TargetRequired));
        check(None, Some("w99"), Err(Refusal::UnknownWindow("w99".into())));
        check(None, Some("w02"), Err(Refusal::SameWindow));
        check(Some("rs-jmyibao"), Some("w02"), Ok(()));
        check(None, Some("w03"), Ok(()));

        let t = AtWindow { number: "B001", day: "2026-12-03", service_id: "mz-dibao", window: "w02" };
        assert_eq!(destination(&hall, &t, "2026-12-03", Some("rs-jmyibao"), None).unwrap().id, "rs-jmyibao");
        assert_eq!(destination(&hall, &t, "2026-12-03", None, None).unwrap().id, "mz-dibao");
        // Another matter at this window is a transfer; its own matter at this window is none.
        assert_eq!(destination(&hall, &t, "2026-12-03", Some("rs-jmyibao"), Some("w02")).unwrap().id, "rs-jmyibao");
        assert_eq!(
            destination(&hall, &t, "2026-12-03", Some("mz-dibao"), Some("w02")).unwrap_err(),
            Refusal::SameWindow
        );
        assert_eq!(destination(&hall, &t, "2026-12-03", Some("mz-dibao"), Some("w03")).unwrap().id, "mz-dibao");
        assert_eq!(
            destination(&hall, &t, "2026-12-03", Some("nope"), None).unwrap_err(),
            Refusal::UnknownService("nope".into())
        );
        assert_eq!(
            destination(&hall, &t, "2026-12-04", None, None).unwrap_err(),
            Refusal::Expired { number: "B001".into(), day: "2026-12-03".into() }
        );
        let gone = AtWindow { service_id: "removed", ..t };
        assert_eq!(destination(&hall, &gone, "2026-12-03", None, None).unwrap_err(), Refusal::MatterGone);
    }
}
