-- The county's views, kept from the events in the same transaction that stores them.

-- Per hall and (hall-local) day.
CREATE TABLE hall_days (
    hall_id             TEXT    NOT NULL REFERENCES halls (hall_id),
    day                 DATE    NOT NULL,
    issued              INTEGER NOT NULL DEFAULT 0,
    served              INTEGER NOT NULL DEFAULT 0,
    no_show             INTEGER NOT NULL DEFAULT 0,
    -- From the issue to the first call, of tickets issued that day.
    wait_seconds_sum    BIGINT  NOT NULL DEFAULT 0,
    wait_count          INTEGER NOT NULL DEFAULT 0,
    -- From the (last) call to the finish, of services finished that day.
    service_seconds_sum BIGINT  NOT NULL DEFAULT 0,
    service_count       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_id, day)
);

-- A ticket as far as the events tell (for waiting and service times).
CREATE TABLE tickets (
    hall_id        TEXT   NOT NULL REFERENCES halls (hall_id),
    ticket_id      BIGINT NOT NULL,
    day            DATE   NOT NULL,
    number         TEXT   NOT NULL,
    queue          TEXT   NOT NULL,
    service_id     TEXT,
    issued_at      TIMESTAMPTZ NOT NULL,
    first_called_at TIMESTAMPTZ,
    last_called_at TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    PRIMARY KEY (hall_id, ticket_id)
);

-- Each window's last status.
CREATE TABLE windows (
    hall_id   TEXT NOT NULL REFERENCES halls (hall_id),
    window_id TEXT NOT NULL,
    status    TEXT NOT NULL,
    at        TIMESTAMPTZ,
    PRIMARY KEY (hall_id, window_id)
);

-- Each queue's last figures: waiting, and since when its longest-waiting citizen waits.
CREATE TABLE queues (
    hall_id      TEXT    NOT NULL REFERENCES halls (hall_id),
    queue        TEXT    NOT NULL,
    day          DATE    NOT NULL,
    waiting      INTEGER NOT NULL,
    oldest_since TIMESTAMPTZ,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hall_id, queue)
);

-- Each case's last state.
CREATE TABLE cases (
    hall_id   TEXT NOT NULL REFERENCES halls (hall_id),
    number    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    state     TEXT NOT NULL,
    deadline  DATE,
    window_id TEXT NOT NULL,
    at        TIMESTAMPTZ,
    PRIMARY KEY (hall_id, number)
);
CREATE INDEX cases_not_closed ON cases (hall_id, kind) WHERE state <> 'closed';
