-- R21 (对投诉人及投诉事项予以保密): a complaint made on a ticket's phone page is answered there
-- only to the page that made it. The page keeps a secret it sent with the complaint; its
-- SHA-256 (hex) is kept here. A ticket slip left in the hall opens the ticket's page, not the
-- complainant's answers. NULL: made before this version, or by a page that kept no secret.
ALTER TABLE complaints ADD COLUMN reader_key_hash TEXT;
