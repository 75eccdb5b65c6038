-- Slack event ids already handled: Slack redelivers events it thinks were lost, and with several bot replicas
-- the first one to insert an id handles the event.
CREATE TABLE slack_events (
    id      VARCHAR(64) PRIMARY KEY,
    seen_ms BIGINT      NOT NULL
);
CREATE INDEX slack_events_seen ON slack_events (seen_ms);
