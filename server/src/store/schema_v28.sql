-- Attendance (R15) judges each day by the hours and late grace in force when the day was begun:
-- when a new configuration changes them, the rules until then are kept here with the last day
-- they judged (`domain::attendance::DayRules` as text), so that new hours never mark the days
-- before them again.
CREATE TABLE attendance_rules (
    last_day TEXT PRIMARY KEY,          -- YYYY-MM-DD, the last day these rules judged
    rules    TEXT NOT NULL              -- "08:30-12:00,14:00-17:30;…|5" (Monday first, | grace)
) WITHOUT ROWID;
