-- Cases not closed by deadline: the default case list reads only them, whatever the number of
-- closed cases the hall has kept over the years.
CREATE INDEX cases_not_closed ON cases (deadline, id) WHERE state != 'closed';
