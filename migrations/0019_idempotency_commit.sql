-- A request's business transaction notes, in the same transaction, what it committed. A process
-- killed after the commit and before the response was stored leaves `running` with this set: the
-- retry answers with the committed resource instead of running the request again.
ALTER TABLE idempotency_keys ADD COLUMN committed_ref text;
