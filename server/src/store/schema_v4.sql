-- Tickets issued per day and matter (the matter asked for at the kiosk, not where a transfer
-- took it), kept by the issuing transaction, so that a daily quota is one lookup, not a count.
CREATE TABLE issued_counts (
    day    TEXT    NOT NULL,
    matter TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, matter)
) WITHOUT ROWID;
-- The oldest waiting ticket of a queue per class is one lookup of tickets_waiting_in_queue;
-- nothing else is needed here. Days already in the database count as issued what they hold.
INSERT INTO issued_counts (day, matter, n)
    SELECT day, service_id, COUNT(*) FROM tickets WHERE transfers = 0 GROUP BY day, service_id;
-- A window's tickets of a day (finished and no-show counts on the director's console and the
-- window's stats) by index, not by reading the whole day.
CREATE INDEX tickets_by_window ON tickets (day, window_id) WHERE window_id IS NOT NULL;
