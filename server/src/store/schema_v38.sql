-- R7 即收即办: a 即办件 is done on the spot within its matter's minutes. The minutes in force when
-- it was registered are kept with it, so that a month's count of 即办件 served over them does
-- not change when the configuration does. NULL: not a 即办件, or registered before this upgrade
-- (not counted either way).
ALTER TABLE cases ADD COLUMN spot_minutes INTEGER;
