-- Village stations (代办点, R22): a villager's request registered by a village agent, forwarded
-- to the town hall's windows (its forward_by: 3 working days, never over a week; urgent the same
-- day), accepted by a window into a case, and the agent's reply to the villager recorded. The
-- villager's name and phone are read only by the agent who registered it, the clerks of the
-- windows handling the matter and the director (staff reads audited); lists for the town's
-- staff and events never carry them.
CREATE TABLE village_requests (
    id             INTEGER PRIMARY KEY,
    number         TEXT    NOT NULL UNIQUE,      -- DB20261203-001
    day            TEXT    NOT NULL,             -- the hall's local date of registration
    seq            INTEGER NOT NULL,
    station        TEXT    NOT NULL,             -- the station's name, as configured then
    agent          TEXT    NOT NULL,             -- the registering agent's username
    villager_name  TEXT    NOT NULL,
    villager_phone TEXT    NOT NULL,
    service_id     TEXT    NOT NULL,
    materials      TEXT    NOT NULL,             -- JSON array of the matter's materials received
    urgent         INTEGER NOT NULL,
    note           TEXT,
    state          TEXT    NOT NULL,             -- registered | forwarded | accepted
    registered_at  INTEGER NOT NULL,
    forward_by     TEXT    NOT NULL,             -- the day the town hall must have it by
    forwarded_at   INTEGER,
    case_id        INTEGER UNIQUE REFERENCES cases (id),
    accepted_at    INTEGER,
    accepted_by    TEXT,
    replied_at     INTEGER,
    UNIQUE (day, seq)
);
-- The station's list, newest first; the desks' and the director's lists of requests not yet
-- accepted or whose reply is not recorded (partial: their cost follows the open ones).
CREATE INDEX village_by_station ON village_requests (station, id);
CREATE INDEX village_open ON village_requests (service_id, id) WHERE state != 'accepted' OR replied_at IS NULL;
