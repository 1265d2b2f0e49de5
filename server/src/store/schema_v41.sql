-- The director's "今日登记": cases registered today, a service the day's close ended included
-- (its `day` is the day it was received). One lookup by the registration time.
CREATE INDEX cases_created ON cases (created_at);
