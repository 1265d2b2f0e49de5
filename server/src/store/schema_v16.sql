-- Appointments (预约, issue 17). A booking holds a place in a matter's slot; the citizen checks in
-- at the kiosk and gets a ticket. The identity number is never stored in clear: `person` is the
-- keyed hash (HMAC-SHA256 with the server's key) of the identity number when given, else of the
-- mobile number; `id_hash` the identity number's alone (check-in by it); `id_masked` its display
-- form. The citizen's name, phone and hashes are deleted `keep_days` after the booking's day.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,          -- 8 digits, the citizen's secret
    service_id    TEXT    NOT NULL,
    day           TEXT    NOT NULL,                 -- YYYY-MM-DD, the hall's
    slot_start    TEXT    NOT NULL,                 -- HH:MM
    slot_end      TEXT    NOT NULL,
    slot_at       INTEGER NOT NULL,                 -- the slot's start, ms UTC
    status        TEXT    NOT NULL,                 -- booked | checked_in | cancelled | missed
    person        TEXT    NOT NULL,
    id_hash       TEXT,
    id_masked     TEXT,
    name          TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    changed_at    INTEGER,
    ticket_id     INTEGER REFERENCES tickets (id),
    on_time       INTEGER
);
CREATE INDEX bookings_in_slot ON bookings (service_id, day, slot_start) WHERE status IN ('booked', 'checked_in', 'missed');
CREATE INDEX bookings_of_person ON bookings (person, day);
CREATE INDEX bookings_by_id_hash ON bookings (id_hash, day) WHERE id_hash IS NOT NULL;
CREATE INDEX bookings_by_day ON bookings (day, status);

-- Places booked per matter and day (a booked place counts in the daily quota): kept with every
-- booking and cancellation, so issuing reads one row.
CREATE TABLE booked_counts (
    day    TEXT    NOT NULL,
    matter TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, matter)
) WITHOUT ROWID;

-- Tickets by appointment: `booked_slot` is the slot's start (ms) of a ticket checked in on time,
-- which waits in the third class (prio_rank 2: after priority, before ordinary) in slot order.
ALTER TABLE tickets ADD COLUMN booked_slot INTEGER;
CREATE INDEX tickets_booked_by_matter ON tickets (day, service_id, booked_slot, queued_at, id) WHERE prio_rank = 2;

-- Walk-in tickets of matters that ask for the identity number: its keyed hash, for the
-- per-person limit (deleted with the day's citizens' data).
CREATE TABLE ticket_persons (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id),
    day        TEXT    NOT NULL,
    service_id TEXT    NOT NULL,
    person     TEXT    NOT NULL,
    id_masked  TEXT    NOT NULL
);
CREATE INDEX ticket_persons_of ON ticket_persons (day, service_id, person);
