-- Who held a window at a time (R18's findings naming no clerk, a service the day's close left
-- open): each window a session took, from when. A sign-in takes its window when it is made;
-- the director's stand-in move (`move_session`) takes another one later, leaving the first:
-- `sessions.window_id` keeps the last only. One lookup by window for `clerk_at`; the moves of
-- a session by its id. Sessions of earlier versions: their window from their sign-in (a move
-- made before this version counts from the session's sign-in).
CREATE TABLE session_windows (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    window_id  TEXT    NOT NULL,
    since      INTEGER NOT NULL
);
INSERT INTO session_windows (session_id, window_id, since)
    SELECT id, window_id, created_at FROM sessions WHERE window_id IS NOT NULL;
CREATE INDEX session_windows_at ON session_windows (window_id, since);
CREATE INDEX session_windows_of ON session_windows (session_id, since);
