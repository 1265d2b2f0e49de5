-- A written complaint is answered in writing (R21): where the letter goes, for a complainant who
-- gave an address (with or without a phone). Personal information, as the name and phone are.
ALTER TABLE complaints ADD COLUMN complainant_address TEXT;
