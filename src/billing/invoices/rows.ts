import { randomUUID } from 'node:crypto';
import type { InvoiceDraft, InvoiceItemDraft } from './builder.js';
import type { InvoiceItem, InvoiceItemDetail } from '../model.js';

// A drafted invoice's items and details. Each item takes the next revision of its
// (asset number, charge, period start) key: the unique key that keeps a period from being billed twice.
// The document is an invoice, or a credit memo when billing nets negative (its items keep their sign).
export type BilledDocument = { invoiceId: string } | { creditMemoId: string };

/** An item whose number may not be taken yet (previews show items without numbers). */
export type ItemNumbered<N extends string | null> = Omit<InvoiceItem, 'invoiceItemNumber'> & { invoiceItemNumber: N };

export function itemRows<N extends string | null>(doc: BilledDocument, draft: Pick<InvoiceDraft, 'invoiceDate' | 'items'>, numbers: readonly N[], revisions: Map<string, number>, customerId: string, status = 'Draft') {
  const items: ItemNumbered<N>[] = [];
  const details: InvoiceItemDetail[] = [];
  const owner = 'invoiceId' in doc ? { invoiceId: doc.invoiceId, creditMemoId: null } : { invoiceId: null, creditMemoId: doc.creditMemoId };
  draft.items.forEach((i: InvoiceItemDraft, k) => {
    const id = randomUUID();
    const key = `${i.assetNumber}|${i.charge}|${i.periodStart}`;
    const revision = revisions.get(key) ?? 1;
    revisions.set(key, revision + 1);
    const amount = i.amount.plus(i.taxAmount);
    items.push({
      id, ...owner, invoiceItemNumber: numbers[k]!, status, customerId, assetId: i.assetId,
      assetNumber: i.assetNumber, assetType: i.assetType, charge: i.charge, productId: i.productId, productName: i.productName, uomId: i.uomId,
      orderProductId: i.orderProductId, periodStart: i.periodStart, startDate: i.startDate, endDate: i.endDate, billingTiming: i.billingTiming,
      transactionDate: draft.invoiceDate, transactionQuantity: i.quantity.toString(), netSalesPrice: i.netSalesPrice.toString(),
      prorationNumerator: i.numerator, prorationDenominator: i.denominator, amountWithoutTax: i.amount.toString(), taxAmount: i.taxAmount.toString(),
      amount: amount.toString(), balance: amount.toString(), revision,
      chargeType: i.chargeType ?? null, correctsInvoiceItemId: i.correctsInvoiceItemId ?? null,
    });
    details.push({
      id: randomUUID(), ...owner, invoiceItemId: id, orderProductId: i.orderProductId, detailType: 'Committed',
      startDate: i.startDate, endDate: i.endDate, billingTiming: i.billingTiming, transactionQuantity: i.quantity.toString(),
      netSalesPrice: i.netSalesPrice.toString(), billedAmount: i.amount.toString(), taxAmount: i.taxAmount.toString(),
    });
  });
  return { items, details };
}
