-- Zone federation (docs/federation.md). Portable between H2 (PostgreSQL mode) and PostgreSQL.

-- Peer zones this zone has authenticated at least once. The first sighting (and any later change
-- of the peer's signing key) is recorded as a ZoneJoined ledger event in the same transaction.
CREATE TABLE federation_peers (
    zone_id          VARCHAR(64)  PRIMARY KEY,
    tier             VARCHAR(16)  NOT NULL,
    key_digest       VARCHAR(64)  NOT NULL,
    first_seen_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_sync_at     TIMESTAMP WITH TIME ZONE,
    last_sync_status VARCHAR(64),
    dataset_count    INT
);

-- The latest catalog fetched from each peer: metadata, schema, safe statistics and the synthetic
-- preview the peer generated — never rows. Replaced as a whole on every successful sync.
CREATE TABLE remote_datasets (
    zone_id         VARCHAR(64)  NOT NULL,
    dataset_id      VARCHAR(40)  NOT NULL,
    name            VARCHAR(128) NOT NULL,
    zone_tier       VARCHAR(16)  NOT NULL,
    owner_org       VARCHAR(64)  NOT NULL,
    current_version INT          NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    fetched_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    search_text     VARCHAR(8000) NOT NULL,
    tags_json       VARCHAR(4000) NOT NULL,
    meta_json       VARCHAR(131072) NOT NULL,
    stats_json      VARCHAR(1000000) NOT NULL,
    preview_json    VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (zone_id, dataset_id)
);
CREATE INDEX remote_datasets_name ON remote_datasets(name);
