-- The county's reports: ratings (rating_given), complaints (feedback_changed), per matter, and
-- when cases opened and closed. Plain SQL.

-- Per hall and day: ratings by level (best first, R17) and complaints received and closed.
ALTER TABLE hall_days
    ADD COLUMN very_satisfied      INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN satisfied           INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN basically_satisfied INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN dissatisfied        INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN very_dissatisfied   INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN complaints_received INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN complaints_closed   INTEGER NOT NULL DEFAULT 0;
-- Reports across every hall for a range of days.
CREATE INDEX hall_days_by_day ON hall_days (day);

-- Per hall, day and matter (the ticket's service_id; '' when the ticket was issued before a
-- gap and its matter is unknown): the same ticket figures and ratings as hall_days.
CREATE TABLE matter_days (
    hall_id             TEXT    NOT NULL REFERENCES halls (hall_id),
    day                 DATE    NOT NULL,
    service_id          TEXT    NOT NULL,
    issued              INTEGER NOT NULL DEFAULT 0,
    served              INTEGER NOT NULL DEFAULT 0,
    no_show             INTEGER NOT NULL DEFAULT 0,
    wait_seconds_sum    BIGINT  NOT NULL DEFAULT 0,
    wait_count          INTEGER NOT NULL DEFAULT 0,
    service_seconds_sum BIGINT  NOT NULL DEFAULT 0,
    service_count       INTEGER NOT NULL DEFAULT 0,
    very_satisfied      INTEGER NOT NULL DEFAULT 0,
    satisfied           INTEGER NOT NULL DEFAULT 0,
    basically_satisfied INTEGER NOT NULL DEFAULT 0,
    dissatisfied        INTEGER NOT NULL DEFAULT 0,
    very_dissatisfied   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_id, day, service_id)
);
CREATE INDEX matter_days_by_day ON matter_days (day);

-- A case's first day the county saw it (its registration, when the county saw that) and the
-- day it closed.
ALTER TABLE cases
    ADD COLUMN opened_on DATE,
    ADD COLUMN closed_on DATE;
CREATE INDEX cases_by_opened ON cases (opened_on);
CREATE INDEX cases_by_deadline ON cases (deadline);
-- The screen's overdue cases per hall: open ones by deadline (else the planner may combine the
-- whole deadline index with the open cases').
CREATE INDEX cases_open_by_deadline ON cases (hall_id, deadline) WHERE state <> 'closed';
