-- Leave with stand-ins (R16): a clerk's request, the director's decision, a named stand-in for
-- each window. Nothing is deleted: a refused or cancelled request keeps its row. The reason is
-- personal information (it can be about health): lists never select it.
CREATE TABLE leave_requests (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL,
    kind           TEXT    NOT NULL,          -- annual | sick | personal | marriage | maternity | bereavement | official
    from_day       TEXT    NOT NULL,          -- YYYY-MM-DD
    from_afternoon INTEGER NOT NULL DEFAULT 0,
    to_day         TEXT    NOT NULL,
    to_noon        INTEGER NOT NULL DEFAULT 0,
    working_halves INTEGER,                   -- half working days; NULL: a year not loaded
    reason         TEXT    NOT NULL,
    state          TEXT    NOT NULL,          -- pending | approved | refused | cancelled
    requested_at   INTEGER NOT NULL,
    decided_by     TEXT,
    decided_at     INTEGER,
    decision_note  TEXT,
    cancelled_at   INTEGER
);
CREATE INDEX leave_by_days ON leave_requests (to_day, from_day);
CREATE INDEX leave_by_user ON leave_requests (username);

CREATE TABLE leave_stand_ins (
    leave_id  INTEGER NOT NULL REFERENCES leave_requests (id),
    window_id TEXT    NOT NULL,
    stand_in  TEXT    NOT NULL,
    PRIMARY KEY (leave_id, window_id)
) WITHOUT ROWID;
CREATE INDEX leave_stand_ins_by_user ON leave_stand_ins (stand_in);

-- The clerk at the window stands in for another (a named stand-in, or moved by the director).
ALTER TABLE windows ADD COLUMN stand_in INTEGER NOT NULL DEFAULT 0;
