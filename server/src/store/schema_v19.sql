-- The anti-starvation cap counts each window's priority (and booked) calls in a row, per queue.
-- Windows of one queue may handle different matters of it (民政's w02 and w03 the 民政 matters,
-- w04 the 残联 ones): with one count per queue, an ordinary call at w02 reset the count of w04's
-- priority calls, so w04 never reached the cap and its own walk-ins could wait all day.
-- Today's counts start again at nought (at most `priority_cap` calls more before a walk-in).
CREATE TABLE window_streaks (
    day       TEXT    NOT NULL,
    window_id TEXT    NOT NULL,
    queue     TEXT    NOT NULL,
    streak    INTEGER NOT NULL,
    PRIMARY KEY (day, window_id, queue)
) WITHOUT ROWID;
DROP TABLE queue_streaks;
