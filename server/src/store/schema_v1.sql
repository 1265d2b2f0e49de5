-- A ticket keeps its number when transferred to another queue, so numbers are unique per day.
-- Times are milliseconds since the Unix epoch (UTC); days are the hall's local dates.

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    day             TEXT    NOT NULL,
    queue           TEXT    NOT NULL,
    seq             INTEGER NOT NULL,
    number          TEXT    NOT NULL,
    service_id      TEXT    NOT NULL,
    priority        TEXT,
    prio_rank       INTEGER NOT NULL,          -- 0 priority, 1 ordinary
    status          TEXT    NOT NULL,
    issued_at       INTEGER NOT NULL,
    queued_at       INTEGER NOT NULL,          -- place in the queue; kept across transfers
    called_at       INTEGER,
    started_at      INTEGER,
    finished_at     INTEGER,
    window_id       TEXT,                      -- the window that called it last
    target_window   TEXT,                      -- set by a transfer to one window
    first_window_id TEXT,                      -- first-inquiry window (R2)
    outcome         TEXT,
    outcome_detail  TEXT,
    device          TEXT    NOT NULL,
    requeues        INTEGER NOT NULL DEFAULT 0,
    transfers       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (day, number)
);
-- Call-next stays flat however many tickets wait: one index lookup per (matter, class) of the
-- window, instead of scanning a shared queue past tickets of matters the window doesn't handle.
CREATE INDEX tickets_waiting_by_matter ON tickets (day, service_id, prio_rank, queued_at, id)
    WHERE status IN ('waiting', 'transferred') AND target_window IS NULL;
CREATE INDEX tickets_waiting_for_window ON tickets (day, target_window, queue, prio_rank, queued_at, id)
    WHERE status IN ('waiting', 'transferred') AND target_window IS NOT NULL;
CREATE INDEX tickets_waiting_in_queue ON tickets (day, queue, prio_rank, queued_at, id)
    WHERE status IN ('waiting', 'transferred');
CREATE INDEX tickets_done ON tickets (queue, finished_at) WHERE status = 'done';

-- Tickets waiting per queue and class, kept by the same transactions that change tickets, so
-- that "how many wait" and "how many are ahead of a new ticket" cost one lookup, not a count.
CREATE TABLE waiting_counts (
    day       TEXT    NOT NULL,
    queue     TEXT    NOT NULL,
    prio_rank INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (day, queue, prio_rank)
) WITHOUT ROWID;

CREATE TABLE day_counters (
    day      TEXT    NOT NULL,
    queue    TEXT    NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (day, queue)
) WITHOUT ROWID;

CREATE TABLE queue_streaks (
    day    TEXT    NOT NULL,
    queue  TEXT    NOT NULL,
    streak INTEGER NOT NULL,
    PRIMARY KEY (day, queue)
) WITHOUT ROWID;

CREATE TABLE windows (
    id             TEXT PRIMARY KEY,
    paused         INTEGER NOT NULL DEFAULT 0,
    session_id     INTEGER,                    -- the clerk signed in here
    username       TEXT,
    signed_in_at   INTEGER,
    current_ticket INTEGER
);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    username   TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    window_id  TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at   INTEGER
);

CREATE TABLE attendance (
    day          TEXT    NOT NULL,
    username     TEXT    NOT NULL,
    window_id    TEXT,
    signed_in_at INTEGER NOT NULL,
    PRIMARY KEY (day, username)
) WITHOUT ROWID;

CREATE TABLE calls (
    id        INTEGER PRIMARY KEY,
    day       TEXT    NOT NULL,
    ticket_id INTEGER NOT NULL,
    window_id TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    recall    INTEGER NOT NULL
);
CREATE INDEX calls_day ON calls (day, id);

CREATE TABLE events (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    at   INTEGER NOT NULL,
    kind TEXT    NOT NULL,
    data TEXT    NOT NULL
);
-- Pruning old events at start-up must not scan a year of them.
CREATE INDEX events_at ON events (at);

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    role      TEXT    NOT NULL,
    device    TEXT,
    window_id TEXT,
    action    TEXT    NOT NULL,
    subject   TEXT,
    detail    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE idempotency (
    caller      TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (caller, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_age ON idempotency (created_at);
