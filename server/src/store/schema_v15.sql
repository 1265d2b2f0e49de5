-- The relay between halls through the county service (R14, 上报件). A message to another hall
-- is written to `outbox` in the same transaction as the change that causes it (a reported case
-- registered: `report`; an incoming case moved at the upper hall: `progress`), kept until the
-- county acknowledges it. `key` is the message's own name, the same on every delivery.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,               -- report | progress
    to_hall    TEXT,                           -- progress: the origin hall; report: the county decides
    body       TEXT    NOT NULL,               -- JSON (a report: the applicant's name and phone); '{}' once acked
    created_at INTEGER NOT NULL,
    acked_at   INTEGER
);
CREATE INDEX outbox_pending ON outbox (id) WHERE acked_at IS NULL;

-- Messages applied from other halls, once each: the key (`<from hall>:<its outbox key>`) is kept
-- with the answer, written in the transaction of the message's effect; a repeat gets the answer.
CREATE TABLE inbox (
    key        TEXT    PRIMARY KEY,
    from_hall  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    answer     TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A reported case received from a lower hall (上报来件): on the desk of the window handling its
-- matter until it is closed; every step goes back to the origin as `progress`.
CREATE TABLE incoming_cases (
    id               INTEGER PRIMARY KEY,
    key              TEXT    NOT NULL UNIQUE,  -- the report's inbox key
    origin_hall      TEXT    NOT NULL,
    origin_hall_name TEXT    NOT NULL,
    origin_number    TEXT    NOT NULL,
    service_id       TEXT    NOT NULL,         -- the origin's matter
    service_name     TEXT    NOT NULL,
    authority        TEXT    NOT NULL,
    window_id        TEXT,                     -- the window handling that matter here; NULL: the director's
    applicant_name   TEXT,
    applicant_phone  TEXT,
    detail           TEXT    NOT NULL,         -- JSON: the origin's note, accepted_on, deadline; result's reason
    state            TEXT    NOT NULL,         -- received | accepted | closed
    result           TEXT,
    deadline         TEXT,
    extended         INTEGER NOT NULL DEFAULT 0,
    received_at      INTEGER NOT NULL,
    closed_at        INTEGER,
    UNIQUE (origin_hall, origin_number)
);
CREATE INDEX incoming_not_closed ON incoming_cases (window_id, id) WHERE state != 'closed';

CREATE TABLE incoming_steps (
    id          INTEGER PRIMARY KEY,
    incoming_id INTEGER NOT NULL REFERENCES incoming_cases (id),
    at          INTEGER NOT NULL,
    by          TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    text        TEXT    NOT NULL
);
CREATE INDEX incoming_steps_of ON incoming_steps (incoming_id);
