-- The secret of a ticket's mobile status page (/t/<token>): 128 random bits, lowercase hex.
-- Ticket ids are sequential and public; only the token opens the page. Tickets issued before
-- this migration have none.
ALTER TABLE tickets ADD COLUMN status_token TEXT;
CREATE UNIQUE INDEX tickets_status_token ON tickets (status_token) WHERE status_token IS NOT NULL;

-- Each kiosk's last printer report; `fault` is NULL once it recovered.
CREATE TABLE kiosk_state (
    kiosk_id      TEXT    PRIMARY KEY,
    fault         TEXT,
    message       TEXT    NOT NULL DEFAULT '',
    ticket_number TEXT,
    at_ms         INTEGER NOT NULL
) WITHOUT ROWID;
