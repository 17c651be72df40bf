-- c360 schema, version 2: the state of the engine (package c360's Store),
-- in tables of their own beside the customer.Store ones. {{.S}} is the
-- schema name, quoted. Documents are the JSON of the c360 types; the
-- columns beside them are what is looked up. Every writer holds the
-- schema's advisory lock (see engine.go), so these tables see one writer
-- at a time.

-- Source record → profile, with why (c360.Link).
CREATE TABLE IF NOT EXISTS {{.S}}.engine_links (
    system    text COLLATE "C" NOT NULL,
    record_id text COLLATE "C" NOT NULL,
    profile   text COLLATE "C" NOT NULL,
    doc       jsonb NOT NULL,
    PRIMARY KEY (system, record_id)
);

-- The identity index: the records under each index key, in the order they
-- were added (seq).
CREATE TABLE IF NOT EXISTS {{.S}}.engine_keys (
    key       text COLLATE "C" NOT NULL,
    system    text COLLATE "C" NOT NULL,
    record_id text COLLATE "C" NOT NULL,
    seq       bigserial NOT NULL,
    PRIMARY KEY (key, system, record_id)
);
CREATE INDEX IF NOT EXISTS engine_keys_order ON {{.S}}.engine_keys (key, seq);

CREATE TABLE IF NOT EXISTS {{.S}}.engine_profiles (
    id  text COLLATE "C" PRIMARY KEY,
    doc jsonb NOT NULL
);

-- Merges, keyed by the absorbed ID they redirect.
CREATE TABLE IF NOT EXISTS {{.S}}.engine_merges (
    absorbed text COLLATE "C" PRIMARY KEY,
    survivor text COLLATE "C" NOT NULL,
    doc      jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS {{.S}}.engine_reviews (
    id  text COLLATE "C" PRIMARY KEY,
    doc jsonb NOT NULL
);

-- Never-merge constraints, one row per direction.
CREATE TABLE IF NOT EXISTS {{.S}}.engine_never (
    system          text COLLATE "C" NOT NULL,
    record_id       text COLLATE "C" NOT NULL,
    other_system    text COLLATE "C" NOT NULL,
    other_record_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (system, record_id, other_system, other_record_id)
);

-- The change log. Cursors are assigned under the advisory lock as the
-- largest so far plus one, so they grow in commit order without gaps.
CREATE TABLE IF NOT EXISTS {{.S}}.engine_changes (
    cursor bigint PRIMARY KEY,
    doc    jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS {{.S}}.engine_meta (
    name  text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);
