-- Data products (docs/data-products.md, ADR 0014). Portable between H2 (PostgreSQL mode) and PostgreSQL.

-- Tier-1 side: a released job's output published as a derived dataset (id = the dataset's id).
-- Inserted in the same transaction as the dataset, its DatasetRegistered and DataProductPublished
-- events and one delivery row per tier-2 peer; a job is published at most once.
CREATE TABLE data_products (
    id              VARCHAR(40)   PRIMARY KEY REFERENCES datasets(id),
    job_id          VARCHAR(40)   NOT NULL UNIQUE,
    owner_org       VARCHAR(64)   NOT NULL,
    lineage_json    VARCHAR(65536) NOT NULL,
    lineage_digest  VARCHAR(128)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The push of a product's catalog entry + lineage to each tier-2 peer (an outbox: retried until the
-- peer acknowledges it; the peer's acceptance is idempotent on the product id and lineage digest).
CREATE TABLE data_product_deliveries (
    product_id    VARCHAR(40)  NOT NULL REFERENCES data_products(id),
    peer_zone     VARCHAR(64)  NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    attempts      INT          NOT NULL,
    last_error    VARCHAR(128),
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (product_id, peer_zone)
);

-- Tier-2 side: products a tier-1 peer pushed here (catalog metadata + lineage; never rows).
-- Inserted in the same transaction as the DataProductListed event.
CREATE TABLE remote_data_products (
    zone_id         VARCHAR(64)   NOT NULL,
    product_id      VARCHAR(40)   NOT NULL,
    zone_tier       VARCHAR(16)   NOT NULL,
    owner_org       VARCHAR(64)   NOT NULL,
    name            VARCHAR(128)  NOT NULL,
    description     VARCHAR(4000) NOT NULL,
    lineage_json    VARCHAR(65536) NOT NULL,
    lineage_digest  VARCHAR(128)  NOT NULL,
    published_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (zone_id, product_id)
);
