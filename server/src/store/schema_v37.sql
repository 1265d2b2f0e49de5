-- R11, R4: a citizen who comes back for a case registered earlier (a 补办件's missing
-- materials, or to ask how it stands) takes a ticket like anyone, and the clerk finishes it as
-- a visit for that case: no second case. The visit is a service of its window and clerk (served,
-- rated: `clerk` here), and its ticket leads to the case.
CREATE TABLE case_visits (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    window_id TEXT NOT NULL,
    clerk TEXT NOT NULL
);
