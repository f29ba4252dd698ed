-- What customers own: subscriptions, physical assets and entitlements, one immutable row per
-- version (DESIGN "Versions"). The asset number (SUB-000001) is the stable key; the head table
-- names each number's latest version and is the row billing and change orders lock.
CREATE TABLE asset_versions (
  tenant_id              uuid NOT NULL REFERENCES tenants (id),
  id                     uuid NOT NULL DEFAULT gen_random_uuid(),
  kind                   text NOT NULL CHECK (kind IN ('Subscription', 'Asset', 'Entitlement')),
  asset_number           text NOT NULL,
  version                integer NOT NULL,
  status                 text NOT NULL,
  customer_id            uuid NOT NULL,
  order_id               uuid NOT NULL,
  order_product_id       uuid NOT NULL,
  product_id             uuid NOT NULL,
  product_name           text,
  price_book_id          uuid,
  price_book_entry_id    uuid,
  uom_id                 uuid,
  parent_id              uuid,             -- the parent's version-1 id (stable across versions)
  root_id                uuid NOT NULL,
  level                  integer NOT NULL DEFAULT 1,
  bundled                boolean NOT NULL DEFAULT false,
  original_id            uuid NOT NULL,    -- version 1's id
  last_versioned_id      uuid,             -- the previous version's id
  quantity               numeric NOT NULL,
  included_units         numeric NOT NULL DEFAULT 0,
  start_date             date NOT NULL,
  end_date               date,
  term                   integer,
  term_dimension         text,
  renewal_term           integer,
  auto_renew             boolean NOT NULL DEFAULT false,
  evergreen              boolean NOT NULL DEFAULT false,
  price_model            text NOT NULL,
  billing_period         text,
  billing_timing         text,
  bill_cycle_day         integer,
  bill_cycle_start_month integer,
  currency_iso_code      text NOT NULL,
  list_price             numeric NOT NULL DEFAULT 0,
  sales_price            numeric NOT NULL DEFAULT 0,
  net_sales_price        numeric NOT NULL DEFAULT 0,
  total_price            numeric NOT NULL DEFAULT 0,
  tax_amount             numeric NOT NULL DEFAULT 0,
  total_amount           numeric NOT NULL DEFAULT 0,
  tcv                    numeric NOT NULL DEFAULT 0,
  delta_tcv              numeric NOT NULL DEFAULT 0,
  delta_acv              numeric NOT NULL DEFAULT 0,
  monthly_price          numeric NOT NULL DEFAULT 0,
  effective_from         date NOT NULL,
  effective_to           date,
  cancellation_date      date,
  description            text,
  custom_fields          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, asset_number, version),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX asset_versions_customer ON asset_versions (tenant_id, customer_id);
CREATE INDEX asset_versions_order ON asset_versions (tenant_id, order_id);

CREATE TABLE asset_heads (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  asset_number   text NOT NULL,
  kind           text NOT NULL,
  customer_id    uuid NOT NULL,
  latest_id      uuid NOT NULL,
  latest_version integer NOT NULL,
  PRIMARY KEY (tenant_id, asset_number)
);
CREATE INDEX asset_heads_customer ON asset_heads (tenant_id, customer_id);
