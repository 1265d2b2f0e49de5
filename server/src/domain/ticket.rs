//! The ticket's life: which action is allowed in which status, and what a finish must say.

use super::TicketStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Call,
    Recall,
    Start,
    NoShow,
    Transfer,
    Finish,
    /// A no-show citizen came back.
    Requeue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The action does not fit the ticket's status (HTTP 409).
    WrongStatus { action: Action, status: TicketStatus },
    /// The requeue allowance is used up (HTTP 409).
    RequeueLimit { limit: u32 },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::WrongStatus { action, status } => {
                write!(f, "cannot {action:?} a ticket that is {}", status.as_str())
            }
            Refusal::RequeueLimit { limit } => {
                write!(f, "this ticket was already put back in the queue {limit} time(s), the most allowed")
            }
        }
    }
}

/// The status after `action`, or why not. `requeues` is how often the ticket was requeued.
pub fn apply(status: TicketStatus, action: Action, requeues: u32, requeue_limit: u32) -> Result<TicketStatus, Refusal> {
    use Action as A;
    use TicketStatus as S;
    let next = match (status, action) {
        (S::Waiting | S::Transferred, A::Call) => S::Called,
        (S::Called, A::Recall) => S::Called,
        (S::Called, A::Start) => S::Serving,
        (S::Called, A::NoShow) => S::NoShow,
        (S::Called | S::Serving, A::Transfer) => S::Transferred,
        (S::Called | S::Serving, A::Finish) => S::Done,
        (S::NoShow, A::Requeue) if requeues < requeue_limit => S::Waiting,
        (S::NoShow, A::Requeue) => return Err(Refusal::RequeueLimit { limit: requeue_limit }),
        (status, action) => return Err(Refusal::WrongStatus { action, status }),
    };
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use TicketStatus as S;

    #[test]
    fn every_transition() {
        let check = |from, action, expected: Option<S>| {
            assert_eq!(apply(from, action, 0, 1).ok(), expected, "{from:?} {action:?}");
        };
        let table = [
            (S::Waiting, A::Call, Some(S::Called)),
            (S::Transferred, A::Call, Some(S::Called)),
            (S::Called, A::Call, None),
            (S::Done, A::Call, None),
            (S::Called, A::Recall, Some(S::Called)),
            (S::Serving, A::Recall, None),
            (S::Waiting, A::Recall, None),
            (S::Called, A::Start, Some(S::Serving)),
            (S::Serving, A::Start, None),
            (S::Called, A::NoShow, Some(S::NoShow)),
            (S::Serving, A::NoShow, None),
            (S::Called, A::Transfer, Some(S::Transferred)),
            (S::Serving, A::Transfer, Some(S::Transferred)),
            (S::Waiting, A::Transfer, None),
            (S::Called, A::Finish, Some(S::Done)),
            (S::Serving, A::Finish, Some(S::Done)),
            (S::Waiting, A::Finish, None),
            (S::Done, A::Finish, None),
            (S::NoShow, A::Finish, None),
            (S::NoShow, A::Requeue, Some(S::Waiting)),
            (S::Waiting, A::Requeue, None),
            (S::Done, A::Requeue, None),
        ];
        for (from, action, expected) in table {
            check(from, action, expected);
        }
    }

    #[test]
    fn requeue_is_limited() {
        assert_eq!(apply(S::NoShow, A::Requeue, 0, 1), Ok(S::Waiting));
        assert_eq!(apply(S::NoShow, A::Requeue, 1, 1), Err(Refusal::RequeueLimit { limit: 1 }));
        assert_eq!(apply(S::NoShow, A::Requeue, 0, 0), Err(Refusal::RequeueLimit { limit: 0 }));
    }
}
