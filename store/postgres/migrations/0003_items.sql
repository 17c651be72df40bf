-- c360 schema, version 3: the items of the engine's live state
-- (c360.ItemStore): events, anonymous IDs, stages, send history,
-- memberships, as bytes the engine encodes itself. {{.S}} is the schema
-- name, quoted. Bucket, group and key are bytea, not text: they may hold
-- any byte, NUL included (text cannot), and bytea compares byte-wise (a
-- collation would not), which is the order Scan and Groups promise. The
-- primary key serves Get (one row), Scan (a range of (bucket, grp)) and
-- Groups (a loose index scan: one probe per distinct group). Writers hold
-- the schema's advisory lock like every engine writer (see engine.go).
CREATE TABLE IF NOT EXISTS {{.S}}.engine_items (
    bucket bytea NOT NULL,
    grp    bytea NOT NULL,
    key    bytea NOT NULL,
    value  bytea NOT NULL,
    PRIMARY KEY (bucket, grp, key)
);
