-- A ticket's legs before a transfer (转办): the window, clerk, matter and queue that called and
-- served it, and when, up to the moment it was sent on. The ticket's row keeps only its last leg;
-- reports and the director's day count the earlier ones from here. `leg` counts from 1: the
-- ticket's `transfers` is its last leg's number.
CREATE TABLE ticket_legs (
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    leg         INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    window_id   TEXT    NOT NULL,
    clerk       TEXT,
    service_id  TEXT    NOT NULL,
    queue       TEXT    NOT NULL,
    waited_from INTEGER NOT NULL,  -- its place in the queue (the first leg) or the transfer before
    called_at   INTEGER,
    started_at  INTEGER,
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, leg)
) WITHOUT ROWID;
CREATE INDEX ticket_legs_by_day ON ticket_legs (day, window_id);
