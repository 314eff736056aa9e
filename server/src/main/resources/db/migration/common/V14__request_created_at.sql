-- Stored answers to request ids are kept for a bounded time (tunelab server --request-retention-hours):
-- the server deletes the oldest in small batches, which find them by this index instead of a scan.
CREATE INDEX request_created ON request (created_at);
