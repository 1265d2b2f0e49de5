-- R17: an incoming case (上报来件, at the county hall) counts in its window's and its accepting
-- clerk's assessment as the hall's own cases do: read by its deadline, a slice of this index.
CREATE INDEX incoming_by_deadline ON incoming_cases (deadline) WHERE deadline IS NOT NULL;
