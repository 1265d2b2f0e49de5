-- Spot inspections (R18): the director or a leader visits windows at random and records what
-- was seen. Never deleted; a finding is withdrawn by the director with a reason (kept, shown as
-- withdrawn, no longer counted). The monthly assessment reads `inspections` and
-- `inspection_findings` by these names.
CREATE TABLE inspections (
    id             INTEGER PRIMARY KEY,
    day            TEXT    NOT NULL,          -- the hall's local YYYY-MM-DD of at_ms
    at_ms          INTEGER NOT NULL,          -- when the inspection took place
    inspector      TEXT    NOT NULL,          -- username of the director or leader
    note           TEXT    NOT NULL,          -- the inspector's overall note
    recorded_at_ms INTEGER NOT NULL
);
CREATE INDEX inspections_by_day ON inspections (day);

-- The windows visited (at least one per inspection).
CREATE TABLE inspection_windows (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    window_id     TEXT    NOT NULL,
    PRIMARY KEY (inspection_id, window_id)
) WITHOUT ROWID;

CREATE TABLE inspection_findings (
    id               INTEGER PRIMARY KEY,
    inspection_id    INTEGER NOT NULL REFERENCES inspections(id),
    window_id        TEXT,
    username         TEXT,                    -- the clerk the finding is about
    kind             TEXT    NOT NULL CHECK (kind IN ('discipline','appearance','conduct')),
    note             TEXT    NOT NULL,
    withdrawn_at_ms  INTEGER,
    withdrawn_by     TEXT,
    withdrawn_reason TEXT,
    CHECK (window_id IS NOT NULL OR username IS NOT NULL)
);
CREATE INDEX inspection_findings_by_inspection ON inspection_findings (inspection_id);
CREATE INDEX inspection_findings_by_username ON inspection_findings (username) WHERE username IS NOT NULL;

-- Photos taken on the visit (JPEG or PNG, at most 4 of at most 1 MB each), numbered from 1.
CREATE TABLE inspection_photos (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    n             INTEGER NOT NULL,
    content_type  TEXT    NOT NULL CHECK (content_type IN ('image/jpeg','image/png')),
    sha256        TEXT    NOT NULL,
    bytes         BLOB    NOT NULL,
    UNIQUE (inspection_id, n)
);

-- Never deleted; a finding changes once, when it is withdrawn, and nothing else of it changes.
CREATE TRIGGER inspections_kept BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are never deleted'); END;
CREATE TRIGGER inspections_fixed BEFORE UPDATE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are never changed'); END;
CREATE TRIGGER inspection_windows_kept BEFORE DELETE ON inspection_windows
BEGIN SELECT RAISE(ABORT, 'inspections are never deleted'); END;
CREATE TRIGGER inspection_photos_kept BEFORE DELETE ON inspection_photos
BEGIN SELECT RAISE(ABORT, 'inspections are never deleted'); END;
CREATE TRIGGER inspection_findings_kept BEFORE DELETE ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'findings are withdrawn, never deleted'); END;
CREATE TRIGGER inspection_findings_withdrawn_once BEFORE UPDATE ON inspection_findings
WHEN OLD.withdrawn_at_ms IS NOT NULL
  OR NEW.inspection_id IS NOT OLD.inspection_id OR NEW.window_id IS NOT OLD.window_id
  OR NEW.username IS NOT OLD.username OR NEW.kind IS NOT OLD.kind OR NEW.note IS NOT OLD.note
BEGIN SELECT RAISE(ABORT, 'a finding is only ever withdrawn, once'); END;
