-- Correction items (DESIGN §4 Change orders, Billing): a difference for an already-invoiced period
-- is a pair of Adjustment items — the reversal of what was billed for the corrected window and the
-- charge under the new version — each naming the item it corrects. charge_type null = the charge.
alter table invoice_items add column charge_type text, add column corrects_invoice_item_id uuid;
create index invoice_items_corrects on invoice_items (tenant_id, corrects_invoice_item_id) where corrects_invoice_item_id is not null;
