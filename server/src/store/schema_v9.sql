-- Petitions (信访, R20): every letter, visit, call or online petition with R20's fields. The
-- petitioner's identity (name … address_or_workplace) is read only by the director and
-- administrators, each read audited; lists and alerts never select it.
CREATE TABLE petitions (
    id               INTEGER PRIMARY KEY,
    number           TEXT    NOT NULL UNIQUE,   -- XF20261203-01
    day              TEXT    NOT NULL,          -- the hall's local date of registration
    seq              INTEGER NOT NULL,
    channel          TEXT    NOT NULL,          -- letter | visit | call | online
    received_at      INTEGER NOT NULL,
    received_on      TEXT    NOT NULL,          -- the local date received: the deadline counts from it
    name             TEXT    NOT NULL,
    gender           TEXT    NOT NULL,          -- male | female | unstated
    age              INTEGER CHECK (age BETWEEN 0 AND 130),
    occupation       TEXT,
    political_status TEXT,
    address          TEXT    NOT NULL,          -- address or workplace
    issue            TEXT    NOT NULL,
    urgent           INTEGER NOT NULL,
    leader_reception INTEGER NOT NULL,
    solved_on_spot   INTEGER NOT NULL,
    state            TEXT    NOT NULL,          -- received | transferred | answered | closed
    due_days         INTEGER NOT NULL,
    due              TEXT,                      -- empty: on the spot, or the calendar's year not loaded
    department       TEXT,                      -- the department's id, once transferred
    transfer_note    TEXT,
    transfer_due     TEXT,
    transferred_at   INTEGER,
    transferred_by   TEXT,
    answer           TEXT,
    answered_at      INTEGER,
    answered_by      TEXT,
    closed_at        INTEGER,
    closed_by        TEXT,
    acknowledged_at  INTEGER,
    acknowledged_by  TEXT,
    registered_by    TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (day, seq)
);
CREATE INDEX petitions_running ON petitions (due, id) WHERE state IN ('received', 'transferred');
CREATE INDEX petitions_alerts ON petitions (id) WHERE urgent = 1 AND acknowledged_at IS NULL;

-- A petition's history, in words (no identity in it).
CREATE TABLE petition_steps (
    id          INTEGER PRIMARY KEY,
    petition_id INTEGER NOT NULL REFERENCES petitions (id),
    at          INTEGER NOT NULL,
    by          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    text        TEXT    NOT NULL
);
CREATE INDEX petition_steps_by_petition ON petition_steps (petition_id, id);
