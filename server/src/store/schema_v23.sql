-- An incoming case (上报来件) accepted with a promised limit that runs into a year whose
-- working-day calendar is not loaded: accepted all the same, its deadline set when that year is
-- added. What it needs then: the day it was accepted and the working days promised.
ALTER TABLE incoming_cases ADD COLUMN accepted_on TEXT;
ALTER TABLE incoming_cases ADD COLUMN promised_days INTEGER;
CREATE INDEX incoming_deadline_pending ON incoming_cases (id)
    WHERE state = 'accepted' AND deadline IS NULL AND promised_days IS NOT NULL;
