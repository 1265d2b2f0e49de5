//! The hall's rules as pure functions: no I/O, no clock reads (`now` is always an argument).

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

pub mod archive;
pub mod assessment;
pub mod attendance;
pub mod booking;
pub mod calendar;
pub mod case;
pub mod complaint;
pub mod estimate;
pub mod hours;
pub mod inspection;
pub mod leave;
pub mod numbering;
pub mod order;
pub mod petition;
pub mod rating;
pub mod relay;
pub mod report;
pub mod ticket;
pub mod today;
pub mod transfer;
pub mod village;

str_enum!(
    /// Why a citizen may be called before ordinary tickets of the same queue.
    Priority { Elderly = "elderly", Disabled = "disabled", Military = "military", Pregnant = "pregnant" }
);

str_enum!(
    TicketStatus {
        Waiting = "waiting",
        Called = "called",
        Serving = "serving",
        Done = "done",
        NoShow = "no_show",
        /// Waiting again, at another matter or window, after a transfer.
        Transferred = "transferred",
    }
);

str_enum!(
    /// The six kinds of case (六件, R9–R14).
    Outcome {
        Immediate = "immediate",
        Promised = "promised",
        Supplement = "supplement",
        Returned = "returned",
        Joint = "joint",
        Reported = "reported",
    }
);

str_enum!(MaterialKind { Main = "main", Aux = "aux" });

str_enum!(
    /// What a kiosk reports about its ticket printer; `Recovered` clears the open fault.
    KioskFaultKind {
        PrinterUnreachable = "printer_unreachable",
        PrinterOffline = "printer_offline",
        CoverOpen = "cover_open",
        PaperOut = "paper_out",
        PrintFailed = "print_failed",
        Recovered = "recovered",
    }
);

impl TicketStatus {
    /// Statuses of a ticket that a window may call.
    pub fn is_waiting(self) -> bool {
        matches!(self, TicketStatus::Waiting | TicketStatus::Transferred)
    }
}
