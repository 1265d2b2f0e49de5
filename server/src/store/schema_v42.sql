-- R18: a finding about a window (no clerk named) concerns the clerk who held the window when the
-- inspection saw it, not whoever holds it when the page is opened. Empty: nobody held it (the
-- director's matter); NULL: recorded before this version (read as about the window's holder).
ALTER TABLE inspection_findings ADD COLUMN held_by TEXT;
