-- Credits (seed 002 part C §2.10; DESIGN "Credits"): what a customer holds from buying a product that
-- has a credit conversion. `quantity` credits were bought for `amount` (cash); `balance` is the cash
-- not yet converted to credit memos. One credit per asset.
CREATE TABLE credits (
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  credit_number     text NOT NULL,
  status            text NOT NULL CHECK (status IN ('Active', 'Converted')),
  customer_id       uuid NOT NULL,
  credit_type_id    uuid,
  credit_conversion_id uuid,
  asset_id          uuid NOT NULL,
  asset_number      text NOT NULL,
  asset_type        text NOT NULL,
  order_product_id  uuid NOT NULL,
  product_id        uuid NOT NULL,
  product_name      text,
  uom_id            uuid,
  currency_iso_code text NOT NULL,
  start_date        date NOT NULL,
  asset_quantity    numeric NOT NULL,
  unit_price        numeric NOT NULL,
  quantity          numeric NOT NULL CHECK (quantity >= 0),
  amount            numeric NOT NULL CHECK (amount >= 0),
  balance           numeric NOT NULL CHECK (balance >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, credit_number),
  UNIQUE (tenant_id, asset_number),
  CHECK (balance <= amount),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX credits_customer ON credits (tenant_id, customer_id);
