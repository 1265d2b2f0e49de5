-- The limits in working days as the hall's configuration had them when a complaint came (R21)
-- and when a bad rating opened a follow-up: a due date that waits for next year's calendar, or
-- a complaint's counted again when it is reclassified, uses these, not limits changed since.
-- NULL for older rows (the limits in force count them).
ALTER TABLE complaints ADD COLUMN simple_days INTEGER;
ALTER TABLE complaints ADD COLUMN complex_days INTEGER;
ALTER TABLE follow_ups ADD COLUMN contact_days INTEGER;
ALTER TABLE follow_ups ADD COLUMN rectify_days INTEGER;
