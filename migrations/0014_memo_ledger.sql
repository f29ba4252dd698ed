-- Credit memos join the billed ledger, and credit memos apply to debit memos.
--
-- A credit memo from billing (a negative total) or from a credit conversion has items; they live
-- in invoice_items beside invoice items, with negative amounts, so "due minus billed" sees them and
-- the unique (asset number, charge, period start, revision) key guards them too. An item belongs to
-- exactly one invoice or one credit memo.
ALTER TABLE invoice_items ALTER COLUMN invoice_id DROP NOT NULL;
ALTER TABLE invoice_items ADD COLUMN credit_memo_id uuid;
ALTER TABLE invoice_items ADD CONSTRAINT invoice_items_one_document CHECK ((invoice_id IS NULL) <> (credit_memo_id IS NULL));
ALTER TABLE invoice_items ADD CONSTRAINT invoice_items_credit_memo FOREIGN KEY (tenant_id, credit_memo_id) REFERENCES credit_memos (tenant_id, id) ON DELETE CASCADE;
CREATE INDEX invoice_items_credit_memo ON invoice_items (tenant_id, credit_memo_id);
ALTER TABLE invoice_item_details ALTER COLUMN invoice_id DROP NOT NULL;
ALTER TABLE invoice_item_details ADD COLUMN credit_memo_id uuid;

ALTER TABLE credit_memos ADD COLUMN due_date date;
ALTER TABLE credit_memos ADD COLUMN target_date date;
ALTER TABLE credit_memos ADD COLUMN order_id uuid;
ALTER TABLE credit_memos ADD COLUMN source_credit_id uuid;

-- A payment application settles an invoice, or (credit memos only) a debit memo.
ALTER TABLE payment_applications ALTER COLUMN invoice_id DROP NOT NULL;
ALTER TABLE payment_applications ADD COLUMN debit_memo_id uuid;
ALTER TABLE payment_applications ADD CONSTRAINT payment_applications_one_target CHECK ((invoice_id IS NULL) <> (debit_memo_id IS NULL));
ALTER TABLE payment_applications ADD CONSTRAINT payment_applications_debit_memo FOREIGN KEY (tenant_id, debit_memo_id) REFERENCES debit_memos (tenant_id, id) ON DELETE CASCADE;
CREATE INDEX payment_applications_debit_memo ON payment_applications (tenant_id, debit_memo_id);

-- A memo that billing writes nets its items: its tax or its amount without tax may be below zero
-- when a credited line is untaxed and a charged one is taxed. Its total stays ≥ 0.
ALTER TABLE credit_memos DROP CONSTRAINT credit_memos_tax_amount_check;
ALTER TABLE credit_memos DROP CONSTRAINT credit_memos_amount_without_tax_check;
