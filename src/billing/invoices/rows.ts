import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../context.js';
import type { InvoiceDraft, InvoiceItemDraft } from './builder.js';
import type * as store from '../store.js';

// Rows for a drafted invoice's items and details. Each item takes the next revision of its
// (asset number, charge, period start) key: the unique key that keeps a period from being billed twice.
// The document is an invoice, or a credit memo when billing nets negative (its items keep their sign).
export type BilledDocument = { invoiceId: string } | { creditMemoId: string };

export function itemRows(ctx: Ctx, doc: BilledDocument, draft: Pick<InvoiceDraft, 'invoiceDate' | 'items'>, numbers: (string | null)[], revisions: Map<string, number>, customerId: string, status = 'Draft') {
  const items: store.Row[] = [];
  const details: store.Row[] = [];
  const owner = 'invoiceId' in doc ? { invoice_id: doc.invoiceId, credit_memo_id: null } : { invoice_id: null, credit_memo_id: doc.creditMemoId };
  draft.items.forEach((i: InvoiceItemDraft, k) => {
    const id = randomUUID();
    const key = `${i.assetNumber}|${i.charge}|${i.periodStart}`;
    const revision = revisions.get(key) ?? 1;
    revisions.set(key, revision + 1);
    const amount = i.amount.plus(i.taxAmount);
    items.push({
      tenant_id: ctx.tenantId, id, ...owner, invoice_item_number: numbers[k], status, customer_id: customerId, asset_id: i.assetId,
      asset_number: i.assetNumber, asset_type: i.assetType, charge: i.charge, product_id: i.productId, product_name: i.productName, uom_id: i.uomId,
      order_product_id: i.orderProductId, period_start: i.periodStart, start_date: i.startDate, end_date: i.endDate, billing_timing: i.billingTiming,
      transaction_date: draft.invoiceDate, transaction_quantity: i.quantity.toString(), net_sales_price: i.netSalesPrice.toString(),
      proration_numerator: i.numerator, proration_denominator: i.denominator, amount_without_tax: i.amount.toString(), tax_amount: i.taxAmount.toString(),
      amount: amount.toString(), balance: amount.toString(), revision,
    });
    details.push({
      tenant_id: ctx.tenantId, id: randomUUID(), ...owner, invoice_item_id: id, order_product_id: i.orderProductId, detail_type: 'Committed',
      start_date: i.startDate, end_date: i.endDate, billing_timing: i.billingTiming, transaction_quantity: i.quantity.toString(),
      net_sales_price: i.netSalesPrice.toString(), billed_amount: i.amount.toString(), tax_amount: i.taxAmount.toString(),
    });
  });
  return { items, details };
}

