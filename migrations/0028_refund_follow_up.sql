-- A refund of a credit memo's credit (DESIGN "Payments and atomicity"): the memo it gives back and
-- the payment it returns money from, so a refund the gateway has not settled yet (Pending: a lost
-- answer, or a refund Stripe processes later) is followed up by the reconciler and settled on the
-- memo — the money it holds is taken off the memo when the refund is sent, and given back if the
-- gateway refuses it.
ALTER TABLE payments ADD COLUMN credit_memo_id uuid;
ALTER TABLE payments ADD COLUMN refunds_payment_id uuid;
CREATE INDEX payments_pending_refunds ON payments (tenant_id, created_at) WHERE status = 'Pending' AND kind = 'Refund';
