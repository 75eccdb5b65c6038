-- mxdoctor's history: one row per run, one per finding. Portable SQL: the same script runs on SQLite and
-- PostgreSQL. Times are epoch milliseconds (UTC).
CREATE TABLE runs (
    id          VARCHAR(32)  PRIMARY KEY,
    workspace   VARCHAR(32),
    channel     VARCHAR(64),
    thread_ts   VARCHAR(32),
    requester   VARCHAR(128) NOT NULL,
    command     VARCHAR(16)  NOT NULL,
    query       VARCHAR(320) NOT NULL,
    domain      VARCHAR(253) NOT NULL, -- the query's domain (after the @ of an address), for history <domain>
    resolver    VARCHAR(256),
    started_ms  BIGINT       NOT NULL,
    duration_ms BIGINT,
    state       VARCHAR(16)  NOT NULL,
    status      VARCHAR(16),
    summary     TEXT,
    changes     TEXT,
    report      TEXT
);
CREATE INDEX runs_query_started ON runs (query, started_ms);
CREATE INDEX runs_domain_started ON runs (domain, started_ms);
CREATE INDEX runs_started ON runs (started_ms);
CREATE INDEX runs_state ON runs (state);

CREATE TABLE findings (
    run_id     VARCHAR(32) NOT NULL REFERENCES runs (id),
    started_ms BIGINT      NOT NULL, -- the run's, so that history --code reads the index in time order
    code       VARCHAR(64) NOT NULL,
    severity VARCHAR(16) NOT NULL,
    host     VARCHAR(256)
);
CREATE INDEX findings_code ON findings (code, started_ms);
CREATE INDEX findings_run ON findings (run_id);
