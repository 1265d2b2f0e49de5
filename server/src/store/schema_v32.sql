-- A clerk removed from the hall keeps the days they were a clerk (R15 and the month's
-- assessment): their removal is a period of no clerk from the next day (closed if the account
-- is added again), with the name and demo flag the account had, for the lists of a range that
-- still has their days.
ALTER TABLE staff_not_clerk ADD COLUMN name TEXT;
ALTER TABLE staff_not_clerk ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
-- When the change that began a period was made (ms): a session it ended that day is no early
-- leave. NULL for periods from before.
ALTER TABLE staff_not_clerk ADD COLUMN changed_at INTEGER;
