-- Collection (DESIGN "Payments and atomicity", Collection): every attempt to charge an invoice to
-- the customer's stored payment method, planned before it is made. An attempt is written Scheduled
-- (due on a business date), becomes Pending with its amount, gateway key and payment in one
-- transaction before the gateway is called (so a crash leaves it for the reconciler, never lost),
-- then Authorized, Succeeded, Failed (declined), Voided (the balance changed before capture), or
-- Skipped (nothing left to charge).
CREATE TABLE collection_attempts (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  invoice_id       uuid NOT NULL,
  attempt_number   integer NOT NULL CHECK (attempt_number >= 1),
  status           text NOT NULL CHECK (status IN ('Scheduled', 'Pending', 'Authorized', 'Succeeded', 'Failed', 'Voided', 'Skipped', 'Canceled')),
  trigger          text NOT NULL CHECK (trigger IN ('Activation', 'Retry', 'Transfer', 'Replan')),
  due_date         date NOT NULL,                 -- the business day it is made on (or after)
  currency_iso_code text NOT NULL,
  amount           numeric,                       -- the balance when it was made (null while Scheduled)
  gateway          text,
  gateway_key      text,                          -- (tenant, invoice, attempt n, amount)
  payment_id       uuid,                          -- the payment it recorded (Pending, then settled)
  decline_code     text,
  decline_message  text,
  attempted_on     date,                          -- the business day it was made
  created_at       timestamptz NOT NULL DEFAULT now(),
  attempted_at     timestamptz,
  finished_at      timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX collection_attempts_invoice ON collection_attempts (tenant_id, invoice_id, attempt_number);
CREATE INDEX collection_attempts_due ON collection_attempts (tenant_id, due_date) WHERE status = 'Scheduled';
CREATE INDEX collection_attempts_payment ON collection_attempts (tenant_id, payment_id) WHERE payment_id IS NOT NULL;
CREATE UNIQUE INDEX collection_attempts_key ON collection_attempts (tenant_id, gateway_key) WHERE gateway_key IS NOT NULL;
-- one attempt of an invoice waits or is in flight at a time
CREATE UNIQUE INDEX collection_attempts_open ON collection_attempts (tenant_id, invoice_id) WHERE status IN ('Scheduled', 'Pending', 'Authorized');

-- Payment statuses set by hand (`POST /billing/invoices:convert-payment-status`), with the reason.
CREATE TABLE payment_status_changes (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  invoice_id    uuid NOT NULL,
  from_status   text NOT NULL,
  to_status     text NOT NULL,
  reason        text NOT NULL,
  changed_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX payment_status_changes_invoice ON payment_status_changes (tenant_id, invoice_id);

-- A credit memo's credit refunded to the original payment method (`POST /billing/credit-memos:transferToPayments`)
-- is an application of the memo with no invoice or debit memo: kind Refund, its payment the refund.
ALTER TABLE payment_applications DROP CONSTRAINT payment_applications_one_target;
ALTER TABLE payment_applications ADD CONSTRAINT payment_applications_one_target CHECK (
  (invoice_id IS NULL) <> (debit_memo_id IS NULL)
  OR (invoice_id IS NULL AND debit_memo_id IS NULL AND credit_memo_id IS NOT NULL AND kind = 'Refund'));
