-- R1 (收件登记): a service the day-close step ended after it had begun (the clerk never
-- finished it) has no case yet. The window's desk and the director's view list them until the
-- clerk registers the case: read by the window, over those few rows only.
-- Only tickets issued after this upgrade: the day close has ended such services since the
-- first version, and a hall's years of them, listed at once, would be registered as cases long
-- overdue (a removed window's could never be registered at all).
INSERT INTO hall_settings (key, value) VALUES ('left_open_after_ticket', (SELECT COALESCE(MAX(id), 0) FROM tickets));
CREATE INDEX tickets_left_open ON tickets (window_id, day)
    WHERE status = 'done' AND outcome IS NULL AND started_at IS NOT NULL
      AND outcome_detail = '{"closed_by":"day_close"}';
