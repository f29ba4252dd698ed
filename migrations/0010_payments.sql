-- Payments (money received or returned through a gateway or recorded by hand) and their
-- applications to invoices. An invoice's balance is derived from its applications:
-- balance = amount − payments + refunds − credits − write-offs (DESIGN "Invoices and balances").
CREATE TABLE payments (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  payment_number     text NOT NULL,
  customer_id        uuid,              -- null for a declined attempt at checkout: the customer was never written
  currency_iso_code  text NOT NULL,
  amount             numeric NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('Payment', 'Refund')),
  status             text NOT NULL CHECK (status IN ('Pending', 'Succeeded', 'Failed', 'Canceled')),
  gateway            text NOT NULL,
  gateway_reference  text,
  payment_method     text NOT NULL,
  payment_source     text,
  external_reference text,
  decline_code       text,
  decline_message    text,
  idempotency_key    text,
  invoice_id         uuid,              -- the invoice a gateway payment settles when it completes
  payment_token      text,              -- the gateway's payment method token, for a payment charged later (asyncPayment)
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, payment_number)
);
CREATE INDEX payments_gateway_reference ON payments (gateway, gateway_reference);
CREATE UNIQUE INDEX payments_gateway_key ON payments (tenant_id, gateway, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE payment_applications (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  invoice_id     uuid NOT NULL,
  payment_id     uuid,
  kind           text NOT NULL CHECK (kind IN ('Payment', 'Refund', 'Credit', 'WriteOff')),
  amount         numeric NOT NULL CHECK (amount > 0),
  status         text NOT NULL DEFAULT 'Applied' CHECK (status IN ('Applied', 'Reversed')),
  payment_method text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX payment_applications_invoice ON payment_applications (tenant_id, invoice_id);
CREATE INDEX payment_applications_payment ON payment_applications (tenant_id, payment_id);

CREATE TABLE billing_jobs (
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  status          text NOT NULL CHECK (status IN ('Running', 'Completed', 'Failed')),
  target_date     date NOT NULL,
  auto_activate   boolean NOT NULL DEFAULT false,
  invoice_ids     jsonb NOT NULL DEFAULT '[]'::jsonb,
  credit_memo_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  errors          jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  PRIMARY KEY (tenant_id, id)
);
