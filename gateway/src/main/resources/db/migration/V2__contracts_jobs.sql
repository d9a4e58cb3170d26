-- Offers, contracts, budgets, jobs and usage. Portable between H2 (PostgreSQL mode) and PostgreSQL.
CREATE TABLE offers (
    id             VARCHAR(40) PRIMARY KEY,
    provider_org   VARCHAR(64) NOT NULL,
    offer_json     VARCHAR(65536) NOT NULL,
    digest         VARCHAR(64) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE TABLE offer_datasets (
    offer_id   VARCHAR(40) NOT NULL REFERENCES offers(id),
    dataset_id VARCHAR(40) NOT NULL REFERENCES datasets(id),
    PRIMARY KEY (offer_id, dataset_id)
);

CREATE TABLE contracts (
    id               VARCHAR(40) PRIMARY KEY,
    offer_id         VARCHAR(40) NOT NULL REFERENCES offers(id),
    provider_org     VARCHAR(64) NOT NULL,
    consumer_org     VARCHAR(64) NOT NULL,
    purpose          VARCHAR(64) NOT NULL,
    state            VARCHAR(16) NOT NULL,
    valid_from       TIMESTAMP WITH TIME ZONE NOT NULL,
    valid_until      TIMESTAMP WITH TIME ZONE NOT NULL,
    agreement_json   VARCHAR(131072),
    provider_key     VARCHAR(1024),
    provider_sig     VARCHAR(512),
    consumer_key     VARCHAR(1024),
    consumer_sig     VARCHAR(512),
    jobs_used        BIGINT NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX contracts_consumer ON contracts(consumer_org);
CREATE INDEX contracts_provider ON contracts(provider_org);

-- Privacy budgets and quotas in integer micro-units; reserved + spent never exceeds total
-- (enforced by conditional UPDATEs, see JdbcBudgetStore).
CREATE TABLE budgets (
    kind           VARCHAR(16) NOT NULL,
    id             VARCHAR(120) NOT NULL,
    total_micro    BIGINT NOT NULL,
    reserved_micro BIGINT NOT NULL,
    spent_micro    BIGINT NOT NULL,
    PRIMARY KEY (kind, id),
    CONSTRAINT budget_never_overspent CHECK (reserved_micro >= 0 AND spent_micro >= 0 AND reserved_micro + spent_micro <= total_micro)
);
CREATE TABLE budget_reservations (
    id          VARCHAR(40) PRIMARY KEY,
    job_id      VARCHAR(40) NOT NULL,
    keys_json   VARCHAR(4000) NOT NULL,
    amount_micro BIGINT NOT NULL,
    state       VARCHAR(16) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE jobs (
    id            VARCHAR(40) PRIMARY KEY,
    consumer_org  VARCHAR(64) NOT NULL,
    job_type      VARCHAR(16) NOT NULL,
    contract_ids  VARCHAR(4000) NOT NULL,
    sql_text      VARCHAR(20000) NOT NULL,
    sql_digest    VARCHAR(64) NOT NULL,
    status        VARCHAR(24) NOT NULL,
    reasons_json  VARCHAR(8000) NOT NULL,
    plan_json     VARCHAR(200000),
    result_sealed VARCHAR(2000000),
    result_digest VARCHAR(64),
    usage_json    VARCHAR(4000),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX jobs_consumer ON jobs(consumer_org);

CREATE TABLE usage_records (
    job_id         VARCHAR(40) PRIMARY KEY,
    contract_id    VARCHAR(40) NOT NULL,
    consumer_org   VARCHAR(64) NOT NULL,
    provider_org   VARCHAR(64) NOT NULL,
    dataset_ids    VARCHAR(4000) NOT NULL,
    rows_scanned   BIGINT NOT NULL,
    cpu_millis     BIGINT NOT NULL,
    micro_epsilon  BIGINT NOT NULL,
    price          DECIMAL(18,2) NOT NULL,
    currency       VARCHAR(3) NOT NULL,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
