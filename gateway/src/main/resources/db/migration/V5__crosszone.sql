-- Cross-zone contracts and PSI jobs (docs/cross-zone.md). Portable between H2 (PostgreSQL mode) and PostgreSQL.

-- Provider side: contracts here whose consumer is an organisation of a peer zone (contracts.consumer_org
-- holds the qualified id org@zone). The consumer's zone registered the org's signing key with the request.
CREATE TABLE crosszone_remote_consumers (
    contract_id   VARCHAR(40)   PRIMARY KEY REFERENCES contracts(id),
    consumer_zone VARCHAR(64)   NOT NULL,
    consumer_org  VARCHAR(64)   NOT NULL,
    consumer_key  VARCHAR(1024) NOT NULL
);

-- Consumer side: this zone's record of contracts its organisations hold with a provider in a peer
-- zone (id = the provider zone's contract id). State follows the provider zone's, as last observed.
CREATE TABLE crosszone_contracts (
    id               VARCHAR(40)  NOT NULL,
    provider_zone    VARCHAR(64)  NOT NULL,
    offer_id         VARCHAR(40)  NOT NULL,
    offer_digest     VARCHAR(64)  NOT NULL,
    provider_org     VARCHAR(64)  NOT NULL,
    consumer_org     VARCHAR(64)  NOT NULL,
    purpose          VARCHAR(64)  NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    dataset_ids      VARCHAR(4000) NOT NULL,
    valid_from       TIMESTAMP WITH TIME ZONE NOT NULL,
    valid_until      TIMESTAMP WITH TIME ZONE NOT NULL,
    agreement_digest VARCHAR(64),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (provider_zone, id)
);
CREATE INDEX crosszone_contracts_consumer ON crosszone_contracts(consumer_org);

-- PSI jobs, on both sides: INITIATOR rows in the consumer's zone, RESPONDER rows in the provider's.
-- Results are aggregates that passed the provider zone's rules; never keys or row values.
CREATE TABLE psi_jobs (
    id             VARCHAR(40)  PRIMARY KEY,
    role           VARCHAR(16)  NOT NULL,
    peer_zone      VARCHAR(64)  NOT NULL,
    peer_job_id    VARCHAR(40),
    consumer_org   VARCHAR(64)  NOT NULL,
    contract_id    VARCHAR(40)  NOT NULL,
    job_type       VARCHAR(16)  NOT NULL,
    request_json   VARCHAR(4000) NOT NULL,
    status         VARCHAR(24)  NOT NULL,
    reasons_json   VARCHAR(8000) NOT NULL,
    result_json    VARCHAR(4000),
    result_digest  VARCHAR(64),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX psi_jobs_consumer ON psi_jobs(consumer_org);
