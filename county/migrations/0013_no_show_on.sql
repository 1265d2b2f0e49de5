-- The day a ticket was last marked a no-show, while it stands: a no-show put back in the queue
-- (ticket_requeued) and served after all is served, not also a no-show, as in the hall's report.
ALTER TABLE tickets ADD COLUMN no_show_on DATE;
