-- When the county first read each outbox message: that read is audited (it discloses the
-- applicant's data); the same message read again while its target is down or refusing it (every
-- few seconds) is no new disclosure and fills no audit trail.
ALTER TABLE outbox ADD COLUMN first_read_at INTEGER;
