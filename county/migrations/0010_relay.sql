-- The relay between halls (R14, 上报件): each message the county carried, from which hall's
-- outbox to which hall's inbox, how often it tried, and when it was delivered and acknowledged.
-- Only the message's name and kind: what it carries (an applicant's data) is never kept here.
CREATE TABLE relay_log (
    source_hall  TEXT        NOT NULL,
    key          TEXT        NOT NULL,    -- the source hall's outbox key
    message_id   BIGINT      NOT NULL,    -- its id in the source hall's outbox
    kind         TEXT        NOT NULL,    -- report | progress
    target_hall  TEXT,
    first_seen   TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    last_error   TEXT,
    delivered_at TIMESTAMPTZ,
    acked_at     TIMESTAMPTZ,
    PRIMARY KEY (source_hall, key)
);
CREATE INDEX relay_log_not_acked ON relay_log (source_hall) WHERE acked_at IS NULL;
