-- Which process runs a run ("host/pid/start-ms"): a later start on the same host can tell a run whose process
-- died (killed, crashed) from one still running in another process, and mark only the first interrupted.
ALTER TABLE runs ADD COLUMN owner VARCHAR(160);
