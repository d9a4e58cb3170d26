-- ADR 0015: an encrypted Parquet copy of each version for jobs, and whether ingest proved the
-- ENTITY_ID column unique per row. Both NULL for versions stored before (CSV only, uniqueness unknown).
-- Numbered 6.1 so it orders after a V6 added on another branch.
ALTER TABLE dataset_versions ADD COLUMN parquet_blob_name VARCHAR(128);
ALTER TABLE dataset_versions ADD COLUMN unique_entity_column VARCHAR(128);
