-- The day each account joined the hall's staff (an account added to the configuration later, a
-- new hire or a clerk transferred in, is not absent on the days before it existed). '' = from
-- the hall's first day in service: every account of the hall in force when this was first
-- recorded (at the first start with this table, or a new database).
CREATE TABLE staff_joined (
    username TEXT PRIMARY KEY,
    day      TEXT NOT NULL
) WITHOUT ROWID;
