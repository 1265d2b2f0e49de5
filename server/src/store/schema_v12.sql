-- placeholder for the inspections' tables (the lead's copy, replaced by the inspections branch)
CREATE TABLE inspections (
    id             INTEGER PRIMARY KEY,
    day            TEXT    NOT NULL,
    at_ms          INTEGER NOT NULL,
    inspector      TEXT    NOT NULL,
    note           TEXT    NOT NULL,
    recorded_at_ms INTEGER NOT NULL
);
CREATE INDEX inspections_by_day ON inspections (day);
CREATE TABLE inspection_findings (
    id               INTEGER PRIMARY KEY,
    inspection_id    INTEGER NOT NULL REFERENCES inspections(id),
    window_id        TEXT,
    username         TEXT,
    kind             TEXT    NOT NULL CHECK (kind IN ('discipline','appearance','conduct')),
    note             TEXT    NOT NULL,
    withdrawn_at_ms  INTEGER,
    withdrawn_by     TEXT,
    withdrawn_reason TEXT
);
