import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// DESIGN "Billing": billing that nets negative writes one credit memo (source Billing) whose items
// stay in the billed ledger; canceling it makes what it credited due again.
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
/** A rebate: a one-time line priced by hand below zero (calculatePrice false needs prices:override). */
const rebate = (quantity: number) => ({ productId: s.f.ids.key, quantity, netSalesPrice: -20 });
const manual = { calculatePrice: false };
const customer = async (name: string) => (await call('POST', '/orders/customers', [{ name }])).json()[0].id as string;

describe('negative billing', () => {
  it('an order that nets negative gets one Active credit memo that pays the open invoice', async () => {
    const c = await customer('Rebated');
    const first = (await call('POST', '/orders', { options: { activateInvoice: true }, customerId: c,
      lines: [{ productId: s.f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const inv = first.invoices[0].invoice;
    expect(inv).toMatchObject({ amount: 29.7, balance: 29.7 });
    const res = await call('POST', '/orders', { options: { ...manual, activateInvoice: true }, customerId: c, lines: [rebate(1)] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().invoices).toEqual([]);
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', autoActivate: true })).json();
    expect(job).toMatchObject({ invoiceIds: [], creditMemoIds: [] }); // the order already credited it
    const memos = (await call('GET', `/billing/invoices/${inv.id}/credit-memos`)).json();
    expect(memos).toHaveLength(1);
    const m = (await call('GET', `/billing/credit-memos/${memos[0].id}`)).json();
    expect(m).toMatchObject({
      source: 'Billing', status: 'Active', amount: 20, amountWithoutTax: 20, taxAmount: 0, balance: 0, paymentStatus: 'Applied',
      creditMemoDate: '2023-06-22', startDate: '2023-06-22', dueDate: '2023-07-22', orderId: res.json().order.id,
    });
    expect(m.items).toHaveLength(1);
    expect(m.items[0]).toMatchObject({ creditMemoItemNumber: expect.stringMatching(/^CMI-\d{8}$/), assetType: 'Asset', transactionAmount: 20, transactionQuantity: 1, productId: s.f.ids.key });
    expect(m.items[0].details[0]).toMatchObject({ transactionAmountWithoutTax: 20, transactionQuantity: 1 });
    expect((await call('GET', `/billing/invoices/${inv.id}`)).json().invoice).toMatchObject({ balance: 9.7, paymentStatus: 'PartiallyApplied' });
  });

  it('a billing run that nets negative writes a credit memo; canceling it makes the credit due again', async () => {
    const c = await customer('Run rebate');
    await call('POST', '/orders', { options: { ...manual, generateInvoice: false }, customerId: c, lines: [rebate(2)] });
    const run = async () => (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', customerIds: [c] })).json();
    const job = await run();
    expect(job.invoiceIds).toEqual([]);
    expect(job.creditMemoIds).toHaveLength(1);
    const m = (await call('GET', `/billing/credit-memos/${job.creditMemoIds[0]}`)).json();
    expect(m).toMatchObject({ source: 'Billing', status: 'Draft', amount: 40, balance: 40, targetDate: '2023-06-22' });
    expect((await run()).creditMemoIds).toEqual([]); // the ledger remembers the credit
    await call('POST', '/billing/credit-memos:async-cancel', { creditMemoIds: [m.id] });
    const again = await run();
    expect(again.creditMemoIds).toHaveLength(1);
    expect((await call('GET', `/billing/credit-memos/${again.creditMemoIds[0]}`)).json()).toMatchObject({ amount: 40, items: [{ transactionAmount: 40, transactionQuantity: 2 }] });
  });
});
