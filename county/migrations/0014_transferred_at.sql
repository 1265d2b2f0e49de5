-- When a ticket was last sent on to another matter (转办), until its next call: the wait after a
-- transfer runs from then, as the hall's report counts each leg of a ticket.
ALTER TABLE tickets ADD COLUMN transferred_at TIMESTAMPTZ;
