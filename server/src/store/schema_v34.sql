-- R17 (责任追究制度第1条: 受到群众投诉，经查情况属实的，要在平时考核中予以记载): a complaint found
-- partly true (部分属实) is found true in part and counts on the month's sheet as one found true.
DROP INDEX complaints_upheld;
CREATE INDEX complaints_upheld ON complaints (answered_on) WHERE finding IN ('upheld', 'partly_upheld');

-- A ticket's phone page reads the complaints made on it at every poll: by the ticket, not by
-- scanning every complaint the hall ever received.
CREATE INDEX complaints_ticket ON complaints (ticket_id) WHERE ticket_id IS NOT NULL;
