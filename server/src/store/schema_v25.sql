-- What the staff member a complaint is about was told (告知被投诉人): the director's own words,
-- the only text of a complaint that staff member sees (R21: the complaint's wording and the
-- answer to the complainant may say who complained). Complaints answered before have none.
ALTER TABLE complaints ADD COLUMN to_staff TEXT;
