-- The key a private post's files are encrypted with on the wire (NULL: public post).
ALTER TABLE posts ADD COLUMN media_key BLOB;
