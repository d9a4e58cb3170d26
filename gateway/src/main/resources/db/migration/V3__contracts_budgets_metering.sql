-- Usage contracts, budgets and metering (issue 3). Portable between H2 (PostgreSQL mode) and PostgreSQL.

-- A dataset-org budget id is "<dataset>/<org>" with '%' and '/' percent-encoded in each part, so it can be
-- up to 64*3 + 1 + 64*3 characters; 120 was too short for long organisation names.
ALTER TABLE budgets ALTER COLUMN id SET DATA TYPE VARCHAR(400);
-- A job over many datasets reserves on many keys at once.
ALTER TABLE budget_reservations ALTER COLUMN keys_json SET DATA TYPE VARCHAR(65536);
CREATE INDEX budget_reservations_job ON budget_reservations(job_id);

-- JOB: one row per job (job_id = the job). AGREEMENT: the one-off fee of a FLAT_PERIOD offer, charged when
-- the contract is agreed; job_id then holds the contract id, so the primary key makes that fee at most once.
ALTER TABLE usage_records ADD COLUMN charge_kind VARCHAR(16) DEFAULT 'JOB' NOT NULL;
CREATE INDEX usage_records_consumer_time ON usage_records(consumer_org, recorded_at);
CREATE INDEX usage_records_provider_time ON usage_records(provider_org, recorded_at);

-- The expiry sweep looks for AGREED contracts whose validity has ended.
CREATE INDEX contracts_state_until ON contracts(state, valid_until);
CREATE INDEX offer_datasets_dataset ON offer_datasets(dataset_id);
CREATE INDEX offers_provider ON offers(provider_org);
