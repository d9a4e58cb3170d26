-- docs/privacy.md §4: the columns ingest proved free of NULLs (a JSON array of names), so that an
-- aggregate over one of them needs no support count of its own. NULL for versions stored before
-- (nullness unknown: every aggregate argument is then support-counted).
ALTER TABLE dataset_versions ADD COLUMN non_null_columns VARCHAR(65535);
