-- 好差评 (GB/T 39734): one rating per service, from the window's evaluator or the phone page.
-- The clerk and window are the case's (every finish registers one); levels run 1 非常满意 … 5 非常不满意.
CREATE TABLE ratings (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL UNIQUE REFERENCES tickets (id),   -- one rating per service
    case_id    INTEGER REFERENCES cases (id),
    day        TEXT    NOT NULL,            -- the hall's local date of the rating
    window_id  TEXT    NOT NULL,
    clerk      TEXT    NOT NULL,
    service_id TEXT    NOT NULL,
    channel    TEXT    NOT NULL,            -- evaluator | phone
    level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    reason     TEXT,                        -- required for levels 4 and 5
    text       TEXT,
    phone      TEXT,                        -- for a call back: personal information
    at         INTEGER NOT NULL
);
CREATE INDEX ratings_by_day ON ratings (day, window_id);
CREATE INDEX ratings_by_clerk ON ratings (clerk, day);

-- A bad rating's follow-up (差评核实整改): contact the rater, rectify and answer, on deadlines in
-- working days; tracked until closed with what was done.
CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY,
    rating_id    INTEGER NOT NULL UNIQUE REFERENCES ratings (id),
    state        TEXT    NOT NULL,          -- open | contacted | closed
    opened_on    TEXT    NOT NULL,
    contact_due  TEXT,                      -- empty while the calendar's year is not loaded
    rectify_due  TEXT,
    contacted_at INTEGER,
    contacted_by TEXT,
    contact_note TEXT,
    closed_at    INTEGER,
    closed_by    TEXT,
    action_taken TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX follow_ups_running ON follow_ups (rectify_due, id) WHERE state != 'closed';
