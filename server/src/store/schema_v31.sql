-- A 补办件's waiting limit in working days as the hall's configuration had it when the case was
-- accepted (R11): a limit that waits for next year's calendar is counted, once the year is
-- added, with these days, not with a limit changed since. NULL for other kinds and older cases.
ALTER TABLE cases ADD COLUMN supplement_days INTEGER;
