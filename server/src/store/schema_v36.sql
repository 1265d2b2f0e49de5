-- R17's archives (归档): a closed case's file is archived within the hall's working days of its
-- close (`archive_days`); the monthly assessment scores it. `archive_tracked` is 0 for the cases
-- closed before this upgrade: their files went to the archive on paper, unrecorded, and none of
-- them can be counted late now. (The default is 0 and only the running cases are set: the
-- upgrade rewrites those few rows, not the hall's years of closed ones; a case registered from
-- now on is written with 1.)
ALTER TABLE cases ADD COLUMN archived_at INTEGER;
ALTER TABLE cases ADD COLUMN archived_by TEXT;
ALTER TABLE cases ADD COLUMN archive_tracked INTEGER NOT NULL DEFAULT 0;
-- The working days the file had, as configured when the case closed (a limit changed later
-- moves no file's date, nor a closed month's sheet).
ALTER TABLE cases ADD COLUMN archive_days INTEGER;
UPDATE cases SET archive_tracked = 1 WHERE state != 'closed';
-- The month's files by their close (the assessment reads a few weeks of closes).
CREATE INDEX cases_filed_by_close ON cases (closed_at) WHERE archive_tracked = 1 AND closed_at IS NOT NULL;
-- A window's files still to archive: the desk's list, over those few rows only.
CREATE INDEX cases_to_archive ON cases (window_id, closed_at)
    WHERE archive_tracked = 1 AND closed_at IS NOT NULL AND archived_at IS NULL;
