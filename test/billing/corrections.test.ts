import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Correction memos (DESIGN §4 Invoices and balances): a credit memo of corrections pays the invoice
// it corrects first, and that invoice is canceled only together with it.
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;

describe('correction memos', () => {
  it('apply first to the invoice they correct, and an invoice with corrections is canceled only with their memos', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const o = (await call('POST', '/orders', { options: { activateInvoice: true, calculateTax: false }, customer: { name: 'Corrected' },
      lines: [{ productId: s.f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const june = o.invoices[0].invoice;
    const customerId = o.order.customerId;
    await call('POST', '/test/clock', { today: '2023-07-01' });
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-07-01', customerIds: [customerId], autoActivate: true })).json();
    const july = (await call('GET', `/billing/invoices/${job.invoiceIds[0]}`)).json();
    expect(july.items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.transactionAmount])).toEqual([['2023-07-01', '2023-07-31', 2, 19.8]]);
    await call('POST', '/test/clock', { today: '2023-07-10' });
    const co = (await call('POST', '/orders/change-orders', { options: { activateInvoice: true },
      assetChanges: [{ assetNumber: o.subscriptions[0].name, changeType: 'Cancel', cancellationDate: '2023-07-16' }] })).json();
    expect(co.invoices).toEqual([]);
    const memo = co.creditMemos[0];
    expect(memo.items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.netSalesPrice, i.prorationNumerator, i.prorationDenominator, i.amount, i.chargeType, i.correctsInvoiceItemId]))
      .toEqual([['2023-07-16', '2023-07-31', -2, 9.9, 15, 30, 9.9, 'Adjustment', july.items[0].id]]);
    // the July invoice it corrects takes the credit, although June is older and open
    const balance = async (id: string) => (await call('GET', `/billing/invoices/${id}`)).json().invoice.balance;
    expect([await balance(june.id), await balance(july.invoice.id)]).toEqual([5.94, 9.9]);
    const alone = await call('POST', '/billing/invoices:async-cancel', { invoiceIds: [july.invoice.id] });
    expect([alone.statusCode, alone.json().errorCode]).toEqual([409, 'INVOICE_CORRECTED']);
    expect(alone.json().message).toContain(memo.creditMemoNumber ?? memo.name);
    expect(await balance(july.invoice.id)).toBe(9.9);
    const bad = await call('POST', '/billing/invoices:async-cancel', { invoiceIds: [july.invoice.id], creditMemoIds: ['nope'] });
    expect([bad.statusCode, bad.json().errorCode, bad.json().message]).toEqual([400, 'INVALID_FIELD', 'body/creditMemoIds/0 must match format "uuid"']);
    const together = await call('POST', '/billing/invoices:async-cancel', { invoiceIds: [july.invoice.id], creditMemoIds: [memo.id] });
    expect(together.statusCode, together.body).toBe(201);
    expect((await call('GET', `/billing/invoices/${july.invoice.id}`)).json().invoice.status).toBe('Canceled');
    expect((await call('GET', `/billing/credit-memos/${memo.id}`)).json()).toMatchObject({ status: 'Canceled' });
    // with both gone, July is unbilled: the next run bills it under the canceled contract
    const rerun = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-07-10', customerIds: [customerId], autoActivate: true })).json();
    const again = (await call('GET', `/billing/invoices/${rerun.invoiceIds[0]}`)).json();
    expect(again.items.map((i: any) => [i.startDate, i.endDate, i.transactionQuantity, i.transactionAmount, i.chargeType])).toEqual([['2023-07-01', '2023-07-15', 2, 9.9, 'Recurring']]);
  });
});
