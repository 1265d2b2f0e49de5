-- The monthly assessment (R17). A closed month keeps its sheets as they were when the director
-- closed it (the wire `Assessment` as JSON): later corrections of old data do not change them.
CREATE TABLE assessment_months (
    month     TEXT    PRIMARY KEY,          -- YYYY-MM
    closed_at INTEGER NOT NULL,
    closed_by TEXT    NOT NULL,
    sheets    TEXT    NOT NULL
) WITHOUT ROWID;
