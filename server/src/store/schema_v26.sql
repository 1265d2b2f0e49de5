-- The month's assessment (R17) counts the cases due in it: every case by the month of its
-- deadline, closed or not (the running cases' own indexes hold only the open ones). An index on
-- the month, not the date: the running lists' `deadline < ?` keeps to their own indexes.
CREATE INDEX cases_by_due_month ON cases (substr(deadline, 1, 7)) WHERE deadline IS NOT NULL;
