-- Bots beat: each writes the time into its row every few seconds, so that a replica can tell a run whose process
-- stopped beating (killed, its machine gone) from one another replica is running now, whatever host it is on.
CREATE TABLE processes (
    owner        VARCHAR(160) PRIMARY KEY,
    heartbeat_ms BIGINT       NOT NULL
);
-- Jobs only one replica should do at a time (the retention purge): held by one owner until a time.
CREATE TABLE leases (
    name     VARCHAR(64)  PRIMARY KEY,
    holder   VARCHAR(160) NOT NULL,
    until_ms BIGINT       NOT NULL
);
