-- ADR 0020: catalog statistics are noisy entity counts, drawn once at ingest. What versions stored
-- before hold are exact row counts and frequencies; they are never shown again, so they are not kept
-- at rest either ('{}' reads as "no statistics").
UPDATE dataset_versions SET stats_json = '{}';
-- Peers' catalogs fetched before carried exact row counts and statistics. The copy is a cache: the next
-- sync fetches it again, in the new form.
DELETE FROM remote_datasets;
