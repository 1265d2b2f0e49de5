-- R1 (收件登记): a service the day-close step ended after it had begun (the clerk never
-- finished it) has no case yet. The window's desk and the director's view list them until the
-- clerk registers the case: read by the window, over those few rows only.
CREATE INDEX tickets_left_open ON tickets (window_id, day)
    WHERE status = 'done' AND outcome IS NULL AND started_at IS NOT NULL
      AND outcome_detail = '{"closed_by":"day_close"}';
