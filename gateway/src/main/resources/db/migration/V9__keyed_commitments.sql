-- ADR 0021: keyed commitments replace the plain digests of queries, results and uploads (an unsalted
-- hash of a count, a small table or a guessed file is a confirmation oracle). The plain digests stored
-- so far are dropped, not relabelled: rows from before have no commitment (NULL), and their values stay
-- only in the ledger entries written at the time (append-only). The result commitment is written when
-- a result is released, never before. The remote catalog copy is a cache of the peers' catalogs
-- (refilled at the next sync) whose entries named the plain digest.
ALTER TABLE jobs DROP COLUMN sql_digest;
ALTER TABLE jobs DROP COLUMN result_digest;
ALTER TABLE jobs ADD COLUMN query_commitment VARCHAR(64);
ALTER TABLE jobs ADD COLUMN result_commitment VARCHAR(64);

ALTER TABLE crosszone_sql_jobs DROP COLUMN sql_digest;
ALTER TABLE crosszone_sql_jobs DROP COLUMN result_digest;
ALTER TABLE crosszone_sql_jobs ADD COLUMN query_commitment VARCHAR(64);
ALTER TABLE crosszone_sql_jobs ADD COLUMN result_commitment VARCHAR(64);

ALTER TABLE psi_jobs DROP COLUMN result_digest;
ALTER TABLE psi_jobs ADD COLUMN result_commitment VARCHAR(64);
-- The responder zone's opening key for this one commitment, handed to the initiator for its consumer.
ALTER TABLE psi_jobs ADD COLUMN result_opening_key VARCHAR(64);

ALTER TABLE dataset_versions DROP COLUMN digest;
ALTER TABLE dataset_versions ADD COLUMN content_commitment VARCHAR(64);

DELETE FROM remote_datasets;
