-- R17 (责任追究制度第1条: 受到群众投诉，经查情况属实的，要在平时考核中予以记载): a complaint found
-- partly true (部分属实) is found true in part and counts on the month's sheet as one found true.
DROP INDEX complaints_upheld;
CREATE INDEX complaints_upheld ON complaints (answered_on) WHERE finding IN ('upheld', 'partly_upheld');

-- A ticket's phone page reads the complaints made on it at every poll: by the ticket, not by
-- scanning every complaint the hall ever received.
CREATE INDEX complaints_ticket ON complaints (ticket_id) WHERE ticket_id IS NOT NULL;

-- Lists read every minute or on each change, of what is still open among rows kept for years:
-- a station's open village requests (the director's card), leave waiting for a decision, the
-- bookings the day close marks missed (its sweep runs every 30 s), incoming cases not closed.
CREATE INDEX village_open_id ON village_requests (id) WHERE state != 'accepted' OR replied_at IS NULL;
CREATE INDEX leave_pending ON leave_requests (id) WHERE state = 'pending';
CREATE INDEX bookings_to_miss ON bookings (day) WHERE status = 'booked';
CREATE INDEX incoming_open_id ON incoming_cases (id) WHERE state != 'closed';
-- The director's list of late complaints: those answered after their due date (the running
-- ones come from complaints_running).
CREATE INDEX complaints_answered_late ON complaints (id) WHERE due IS NOT NULL AND answered_on > due;
