-- Usage ingest (shared/design/usage.md "Ingest"; issue 17). Raw usage is one row per measured event;
-- the usage worker claims rows by state (`aggregated_at is null`, a partial index), never by a
-- watermark, so rows whose ingests commit out of order are never skipped.
CREATE TABLE raw_usage (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL,
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id    text NOT NULL,
  row_index         integer NOT NULL,
  event_id          text,
  asset_number      text,
  subscription_id   uuid,
  customer_id       uuid,
  product_id        uuid,
  at                timestamptz,
  quantity          numeric,
  properties        jsonb,
  status            text NOT NULL CHECK (status IN ('Active', 'Rejected', 'Canceled')),
  error             jsonb,
  usage_id          uuid,
  aggregated_at     timestamptz,
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CHECK (status = 'Rejected' OR (asset_number IS NOT NULL AND at IS NOT NULL AND quantity IS NOT NULL))
);
CREATE INDEX raw_usage_unaggregated ON raw_usage (tenant_id, seq) WHERE aggregated_at IS NULL;
CREATE INDEX raw_usage_subscription ON raw_usage (tenant_id, asset_number, at);
CREATE INDEX raw_usage_rejected ON raw_usage (created_at) WHERE status = 'Rejected';

-- Dedupe forever: one key per event — (usage subscription, 'id:' || event id), or for rows without
-- an id ('', 'tx:' || transaction id || ':' || index). What the first row said is kept, so a repeat
-- with another timestamp or quantity is reported as a conflict.
CREATE TABLE usage_keys (
  tenant_id     uuid NOT NULL,
  asset_number  text NOT NULL,
  key           text NOT NULL,
  raw_usage_id  uuid NOT NULL,
  at            timestamptz NOT NULL,
  quantity      numeric NOT NULL,
  PRIMARY KEY (tenant_id, asset_number, key)
);

-- A transaction id answers as the first time it was sent (same body), or 422 (another body).
CREATE TABLE usage_transactions (
  tenant_id       uuid NOT NULL,
  transaction_id  text NOT NULL,
  body_hash       text NOT NULL,
  answer          jsonb NOT NULL,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, transaction_id)
);

-- The product's usage terms (usage.md "Vocabulary"), beyond the seed.
ALTER TABLE catalog_products ADD COLUMN usage_aggregation text NOT NULL DEFAULT 'Sum'
  CHECK (usage_aggregation IN ('Sum', 'Count', 'Max', 'UniqueCount', 'Latest', 'WeightedSum'));
ALTER TABLE catalog_products ADD COLUMN aggregation_property text;
ALTER TABLE catalog_products ADD COLUMN prorate_included_units boolean NOT NULL DEFAULT true;
ALTER TABLE catalog_products ADD COLUMN credit_overage text NOT NULL DEFAULT 'Bill' CHECK (credit_overage IN ('Bill', 'Block'));
