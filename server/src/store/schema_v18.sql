-- A queue's pace (its last 20 services of the day, for the wait estimates on every issue and
-- call) is read from the day's started-and-finished tickets alone. The old index, (queue,
-- finished_at) over every finished ticket, made that read walk back through the queue's
-- finished tickets of every past day until it found 20 of today's started ones: on every issue
-- of the morning, and all day where clerks finish without 开始办理 (a cost growing with the
-- hall's history).
DROP INDEX tickets_done;
CREATE INDEX tickets_served ON tickets (queue, day, finished_at) WHERE status = 'done' AND started_at IS NOT NULL;

-- The live sessions (a new hall configuration ends those whose rights it changed; the director's
-- stand-in finds a clerk's) from the unended ones still valid, not from every session ever.
CREATE INDEX sessions_live ON sessions (expires_at) WHERE ended_at IS NULL;
