-- Change orders (DESIGN "Change orders"): orders of type Change whose lines are, per changed asset,
-- one SummaryItem (the resulting state) and one LineItem per change (the delta). A Draft change
-- order keeps its request and its preview hash: activation plans it again and must match.
ALTER TABLE order_products ADD COLUMN change_type text;
ALTER TABLE order_products ADD COLUMN change_asset_number text;
ALTER TABLE order_products ADD COLUMN summary_item_id uuid;
ALTER TABLE order_products ADD COLUMN cancellation_date date;
ALTER TABLE orders ADD COLUMN change_request jsonb;
ALTER TABLE orders ADD COLUMN preview_hash text;

-- Bulk price adjustments run as jobs, in batches; each batch is one change order per customer.
CREATE TABLE change_jobs (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  status       text NOT NULL CHECK (status IN ('Queued', 'Processing', 'Completed', 'PartialCompleted', 'Failed')),
  job_type     text NOT NULL DEFAULT 'BulkAdjustPrice',
  request      jsonb NOT NULL,
  batch_size   integer NOT NULL,
  stages       jsonb NOT NULL DEFAULT '[]'::jsonb,
  error        text,
  started_at   timestamptz,
  finished_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
