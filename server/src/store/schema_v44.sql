-- Who held a window at a time (R18's findings naming no clerk, a service the day's close left
-- open): the time each session took its window. A sign-in takes it when it is made; the
-- director's stand-in move (`move_session`) takes another window later, which its `created_at`
-- could not say. Indexed by window for `clerk_at`'s one lookup.
ALTER TABLE sessions ADD COLUMN window_since INTEGER;
UPDATE sessions SET window_since = created_at WHERE window_id IS NOT NULL;
CREATE INDEX sessions_at_window ON sessions (window_id, window_since);
