-- An invoice or credit memo item's createdDate (GraphQL InvoiceItem/CreditMemoItem.createdDate): the
-- time it was written. Items already written take their document's.
ALTER TABLE invoice_items ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
UPDATE invoice_items it SET created_at = coalesce(
  (SELECT i.created_at FROM invoices i WHERE i.tenant_id = it.tenant_id AND i.id = it.invoice_id),
  (SELECT m.created_at FROM credit_memos m WHERE m.tenant_id = it.tenant_id AND m.id = it.credit_memo_id),
  it.created_at);
