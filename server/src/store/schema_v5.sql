-- The working-day calendar's years (R6): the shipped ones are loaded at start, the admin adds a
-- year when the State Council publishes it. The text is the year's file as given.
CREATE TABLE calendar_years (
    year     INTEGER PRIMARY KEY,
    toml     TEXT    NOT NULL,
    added_at INTEGER NOT NULL,
    added_by TEXT    NOT NULL
);

-- Cases (办件, R1–R14): one per finished ticket, numbered per local day, never deleted.
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    number          TEXT    NOT NULL UNIQUE,
    day             TEXT    NOT NULL,
    seq             INTEGER NOT NULL,
    ticket_id       INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
    service_id      TEXT    NOT NULL,
    window_id       TEXT    NOT NULL,
    clerk           TEXT    NOT NULL,
    first_window_id TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    result          TEXT,
    check_code      TEXT    NOT NULL,
    token           TEXT    NOT NULL UNIQUE,     -- the phone page's secret (/c/<token>)
    applicant_name  TEXT,
    applicant_phone TEXT,
    accepted_on     TEXT    NOT NULL,
    clock_from      TEXT,
    deadline        TEXT,
    promised_days   INTEGER NOT NULL,
    extended        INTEGER NOT NULL DEFAULT 0,
    supplement_until TEXT,
    detail          TEXT    NOT NULL,            -- JSON: missing, ground, reason, parts, meeting, authority, reply, extension
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    UNIQUE (day, seq)
);
-- Running deadlines by date: the overdue and due-soon lists read only cases not closed, so their
-- cost follows the open cases, not every case the hall ever had.
CREATE INDEX cases_running ON cases (deadline) WHERE state = 'open';
CREATE INDEX cases_awaiting ON cases (supplement_until) WHERE state = 'awaiting_materials';
CREATE INDEX cases_at_window ON cases (window_id, state);
CREATE INDEX cases_first_window ON cases (first_window_id, state);

-- A case's history (R5): who, when, what; the text is what the applicant reads.
CREATE TABLE case_steps (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at      INTEGER NOT NULL,
    by      TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    text    TEXT    NOT NULL
);
CREATE INDEX case_steps_by_case ON case_steps (case_id, id);

-- Days whose tickets left at windows were closed by the day-close step.
CREATE TABLE days_closed (
    day       TEXT    PRIMARY KEY,
    closed_at INTEGER NOT NULL,
    tickets   INTEGER NOT NULL
) WITHOUT ROWID;
