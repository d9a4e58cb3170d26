-- Cross-zone SQL jobs (docs/cross-zone.md, ADR 0013), in the requesting zone. Each part runs as an
-- ordinary job in its owning zone (the jobs table there); this row ties them together. parts_json holds
-- ids, zones, statuses, codes and digests only; the combined result is sealed under the zone key.
CREATE TABLE crosszone_sql_jobs (
    id             VARCHAR(40)   PRIMARY KEY,
    consumer_org   VARCHAR(64)   NOT NULL,
    sql_text       VARCHAR(20000) NOT NULL,
    sql_digest     VARCHAR(64)   NOT NULL,
    request_json   VARCHAR(4000) NOT NULL,
    status         VARCHAR(24)   NOT NULL,
    reasons_json   VARCHAR(8000) NOT NULL,
    parts_json     VARCHAR(8000) NOT NULL,
    result_sealed  VARCHAR(2000000),
    result_digest  VARCHAR(64),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX crosszone_sql_jobs_consumer ON crosszone_sql_jobs(consumer_org);
