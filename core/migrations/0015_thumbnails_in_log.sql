-- A post's thumbnails live in its event (the log), and were copied into `items` as
-- well: half of a channel's database. Views now read them from the event.
ALTER TABLE items DROP COLUMN thumbnail;
