-- Watches: a check repeated on a schedule for a conversation, telling its thread only what changes. Stored so that
-- they survive restarts; held by one bot at a time (holder until held_until_ms, renewed while it lives).
CREATE TABLE watches (
    id             VARCHAR(32)   PRIMARY KEY,
    workspace      VARCHAR(64),
    channel        VARCHAR(64)   NOT NULL,
    thread_ts      VARCHAR(64),
    requester      VARCHAR(64)   NOT NULL,
    command_line   VARCHAR(2000) NOT NULL,
    every_ms       BIGINT        NOT NULL,
    created_ms     BIGINT        NOT NULL,
    ends_ms        BIGINT        NOT NULL,
    until_ok       INTEGER       NOT NULL,
    state          VARCHAR(16)   NOT NULL,
    parent_ts      VARCHAR(64),
    parent_message TEXT,
    runs           INTEGER       NOT NULL,
    last_run_ms    BIGINT,
    last_status    VARCHAR(16),
    next_ms        BIGINT        NOT NULL,
    baseline       TEXT,
    baseline_ms    BIGINT,
    note           VARCHAR(500),
    stopped_by     VARCHAR(64),
    holder         VARCHAR(160),
    held_until_ms  BIGINT        NOT NULL
);
CREATE INDEX watches_state ON watches (state, channel);
