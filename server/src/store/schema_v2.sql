-- Settings the hall's director changes while the server runs (the display's notice line).
CREATE TABLE hall_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
