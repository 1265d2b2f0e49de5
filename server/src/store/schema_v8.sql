-- Complaints (投诉, R21): about a window, a staff member or the hall; registered by the director
-- (oral, phone, written) or online from a ticket's phone page. The complainant's name and contact
-- are personal information: only the director and administrators read them, every read audited.
CREATE TABLE complaints (
    id                  INTEGER PRIMARY KEY,
    number              TEXT    NOT NULL UNIQUE,     -- TS20261203-01
    day                 TEXT    NOT NULL,            -- the hall's local date received
    seq                 INTEGER NOT NULL,
    channel             TEXT    NOT NULL,            -- oral | phone | written | online
    about               TEXT    NOT NULL,            -- window | staff | hall
    window_id           TEXT,
    staff               TEXT,                        -- a staff member's username (about = staff)
    what                TEXT    NOT NULL,
    happened            TEXT,
    complainant_name    TEXT,
    complainant_contact TEXT,
    ticket_id           INTEGER REFERENCES tickets (id),   -- an online complaint's ticket
    complexity          TEXT    NOT NULL,            -- simple | complex
    state               TEXT    NOT NULL,            -- received | investigating | answered | closed
    due                 TEXT,                        -- empty while the calendar's year is not loaded
    finding             TEXT,                        -- upheld | partly_upheld | not_upheld
    answer              TEXT,
    late_explanation    TEXT,
    answered_on         TEXT,
    closed_on           TEXT,
    created_at          INTEGER NOT NULL,
    UNIQUE (day, seq)
);
CREATE INDEX complaints_running ON complaints (due, id) WHERE state IN ('received', 'investigating');
CREATE INDEX complaints_about_staff ON complaints (staff, answered_on) WHERE about = 'staff';

-- Each step of a complaint's handling: who, when, what (in plain Chinese).
CREATE TABLE complaint_steps (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    at           INTEGER NOT NULL,
    by           TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    text         TEXT    NOT NULL
);
CREATE INDEX complaint_steps_of ON complaint_steps (complaint_id, id);
