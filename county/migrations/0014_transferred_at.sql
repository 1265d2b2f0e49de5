-- When a ticket was last sent on to another matter (转办): the wait of its leg after a transfer
-- runs from then, as the hall's report counts each leg of a ticket.
ALTER TABLE tickets ADD COLUMN transferred_at TIMESTAMPTZ;
-- The wait counted for the ticket's current leg, in seconds (NULL: none yet, or a ticket called
-- before this version): a ticket put back in the queue and called again waits until that call,
-- as the hall counts it, so the wait counted at the earlier call is replaced.
ALTER TABLE tickets ADD COLUMN wait_counted_s BIGINT;
