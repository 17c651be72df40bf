-- c360 schema, version 1. {{.S}} is the schema name, quoted.
-- IDs use the "C" collation so that ORDER BY id is byte-wise, as the
-- storage contracts require, and indexes serve that order.

CREATE TABLE IF NOT EXISTS {{.S}}.profiles (
    id      text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb  NOT NULL
);

CREATE TABLE IF NOT EXISTS {{.S}}.profile_identifiers (
    scheme     text COLLATE "C" NOT NULL,
    value      text COLLATE "C" NOT NULL,
    profile_id text COLLATE "C" NOT NULL REFERENCES {{.S}}.profiles (id) ON DELETE CASCADE,
    PRIMARY KEY (scheme, value, profile_id)
);
CREATE INDEX IF NOT EXISTS profile_identifiers_profile ON {{.S}}.profile_identifiers (profile_id);

-- Event times are kept exactly, as seconds and nanoseconds since the epoch
-- (timestamptz has microseconds only); (ts_sec, ts_nsec, id) is the order.
CREATE TABLE IF NOT EXISTS {{.S}}.events (
    id           text COLLATE "C" PRIMARY KEY,
    customer_id  text COLLATE "C" NOT NULL DEFAULT '',
    anonymous_id text COLLATE "C" NOT NULL DEFAULT '',
    ts_sec       bigint  NOT NULL,
    ts_nsec      integer NOT NULL,
    doc          jsonb   NOT NULL
);
CREATE INDEX IF NOT EXISTS events_customer ON {{.S}}.events (customer_id, ts_sec, ts_nsec, id) WHERE customer_id <> '';
CREATE INDEX IF NOT EXISTS events_anonymous ON {{.S}}.events (anonymous_id, ts_sec, ts_nsec, id) WHERE customer_id = '';

CREATE TABLE IF NOT EXISTS {{.S}}.links (
    anonymous_id text COLLATE "C" PRIMARY KEY,
    customer_id  text COLLATE "C" NOT NULL
);

CREATE TABLE IF NOT EXISTS {{.S}}.intel_items (
    id      text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL,
    doc     jsonb  NOT NULL
);
