-- One row per (tenant, Idempotency-Key): the request's fingerprint and, once finished, the
-- response to replay. A row stays `running` while its first request executes.
CREATE TABLE idempotency_keys (
  tenant_id        uuid NOT NULL,
  key              text NOT NULL,
  request_hash     text NOT NULL,
  state            text NOT NULL CHECK (state IN ('running', 'done')),
  response_status  integer,
  response_body    text,
  response_type    text,
  locked_at        timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
