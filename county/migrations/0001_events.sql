-- The halls the county follows, and every event of each exactly once.
-- Plain SQL: no extensions, no JSON types (the data is kept as the hall sent it, as text).

CREATE TABLE halls (
    hall_id       TEXT PRIMARY KEY,
    -- The hall's name and time zone as its GET /api/hall said at the last connection.
    name          TEXT,
    timezone      TEXT,
    -- The high-water mark: every event of this hall up to this id is in `events` (or in a
    -- recorded gap). Written in the same transaction as the events.
    last_event_id BIGINT NOT NULL DEFAULT 0,
    -- When the county last stored an event of this hall.
    last_stored_at TIMESTAMPTZ
);

CREATE TABLE events (
    hall_id     TEXT   NOT NULL REFERENCES halls (hall_id),
    event_id    BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    -- The event's JSON as the hall sent it to the county (personal information removed there).
    data        TEXT   NOT NULL,
    -- The event's own time (its `at`), when it has one.
    at          TIMESTAMPTZ,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hall_id, event_id)
);

-- Events the hall no longer had when the county asked (older than it keeps them), or ids that
-- did not follow on: recorded, never papered over.
CREATE TABLE event_gaps (
    hall_id    TEXT   NOT NULL REFERENCES halls (hall_id),
    -- Missing: after_id + 1 .. next_id - 1.
    after_id   BIGINT NOT NULL,
    next_id    BIGINT NOT NULL,
    -- `pruned` when the hall said so (events_missed), `unexplained` otherwise;
    -- `at_or_below_mark`: the hall sent next_id, not above the mark (its database went back,
    -- or a second county service follows it): events passed over, not stored.
    cause      TEXT   NOT NULL,
    noticed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hall_id, after_id, next_id)
);
