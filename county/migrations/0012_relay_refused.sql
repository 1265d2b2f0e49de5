-- When a message's target last refused it for good (422): it is tried again an hour later, not
-- on every pass (a hall of another version may be upgraded meanwhile).
ALTER TABLE relay_log ADD COLUMN refused_at TIMESTAMPTZ;
