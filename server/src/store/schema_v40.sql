-- R20: an urgent petition is reported to the leaders at once. The director's acknowledgement
-- ends the console's banner; a leader's, apart, ends the leaders' (a leader not signed in when
-- the director acknowledged still learns of it).
ALTER TABLE petitions ADD COLUMN leader_seen_at INTEGER;
ALTER TABLE petitions ADD COLUMN leader_seen_by TEXT;
CREATE INDEX petitions_leader_alerts ON petitions (id) WHERE urgent = 1 AND leader_seen_at IS NULL;
-- Before this version the director's acknowledgement ended the leaders' line too: those
-- petitions were seen for the leaders as they were for the director.
UPDATE petitions SET leader_seen_at = acknowledged_at, leader_seen_by = acknowledged_by
 WHERE urgent = 1 AND acknowledged_at IS NOT NULL;
