-- Credit memos: money owed back to a customer (negative billing, refunds, conversions, by hand),
-- applied to invoices through payment applications. balance = amount − what is applied.
CREATE TABLE credit_memos (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  credit_memo_number text NOT NULL,
  status             text NOT NULL CHECK (status IN ('Draft', 'Active', 'Canceled')),
  source             text NOT NULL DEFAULT 'Billing',
  customer_id        uuid NOT NULL,
  currency_iso_code  text NOT NULL,
  credit_memo_date   date NOT NULL,
  start_date         date NOT NULL,
  end_date           date NOT NULL,
  amount_without_tax numeric NOT NULL CHECK (amount_without_tax >= 0),
  tax_amount         numeric NOT NULL CHECK (tax_amount >= 0),
  amount             numeric NOT NULL CHECK (amount >= 0),
  balance            numeric NOT NULL CHECK (balance >= 0),
  payment_status     text NOT NULL DEFAULT 'NotTransferred',
  source_invoice_id  uuid,
  reason             text,
  activated_time     timestamptz,
  canceled_date      timestamptz,
  custom_fields      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, credit_memo_number),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX credit_memos_customer ON credit_memos (tenant_id, customer_id, currency_iso_code, created_at);

ALTER TABLE payment_applications ADD COLUMN credit_memo_id uuid;
CREATE INDEX payment_applications_credit_memo ON payment_applications (tenant_id, credit_memo_id);
