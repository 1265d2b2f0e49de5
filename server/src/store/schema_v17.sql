-- Issuing writes fewer pages per commit (issue 10; a commit of a few tickets wrote ~18 pages of
-- the log, each of its own b-tree). The day's counters of the three tables below become rows of
-- one table, so that a ticket's counters share one page; and events are pruned by id, so their
-- time index, written with every event, goes.
CREATE TABLE day_counts (
    day   TEXT    NOT NULL,
    kind  TEXT    NOT NULL,          -- 'seq' a queue's last number, 'waiting' a queue's class,
                                     -- 'issued' a matter's tickets (its daily quota)
    name  TEXT    NOT NULL,          -- the queue ('seq', 'waiting') or the matter ('issued')
    class INTEGER NOT NULL,          -- 'waiting': the class (prio_rank); otherwise 0
    n     INTEGER NOT NULL,
    PRIMARY KEY (day, kind, name, class)
) WITHOUT ROWID;
INSERT INTO day_counts (day, kind, name, class, n) SELECT day, 'seq', queue, 0, last_seq FROM day_counters;
INSERT INTO day_counts (day, kind, name, class, n) SELECT day, 'waiting', queue, prio_rank, n FROM waiting_counts;
INSERT INTO day_counts (day, kind, name, class, n) SELECT day, 'issued', matter, 0, n FROM issued_counts;
DROP TABLE day_counters;
DROP TABLE waiting_counts;
DROP TABLE issued_counts;
DROP INDEX events_at;
