-- Attendance's explanations (R15): a late arrival, early leave or absence explained by the clerk
-- and acknowledged by the director. Never deleted; the marks themselves are computed from the
-- sign-ins (attendance, sessions) and the working-day calendar.
CREATE TABLE attendance_notes (
    day             TEXT    NOT NULL,
    username        TEXT    NOT NULL,
    kind            TEXT    NOT NULL,          -- late | early_leave | absent
    explanation     TEXT    NOT NULL,
    explained_at    INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    PRIMARY KEY (day, username, kind)
) WITHOUT ROWID;

-- A day's sessions (when a clerk left), without reading every session the hall ever had.
CREATE INDEX sessions_by_start ON sessions (created_at);
