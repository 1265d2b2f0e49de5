-- Attendance (R15) judges a clerk's days only: the periods an account of the hall was no clerk
-- (a clerk made a leader, a director moved to a window) are kept, so that a role changed and
-- changed back keeps the marks of the days the account was a clerk, and an account made a clerk
-- is not marked on the days before.
CREATE TABLE staff_not_clerk (
    username TEXT NOT NULL,
    from_day TEXT NOT NULL,             -- the first day not a clerk ('' : from the start)
    to_day   TEXT,                      -- the last day not a clerk; NULL while it lasts
    PRIMARY KEY (username, from_day)
) WITHOUT ROWID;
