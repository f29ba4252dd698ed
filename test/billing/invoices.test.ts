import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
});
afterAll(() => t.close());

const call = (method: 'POST' | 'GET', url: string, body?: unknown, headers = f.h) => t.call(method, url, { body, headers });
const place = async (options: Record<string, unknown>, lines: Record<string, unknown>[]) => {
  const res = await call('POST', '/orders', { options, customer: { name: 'Invoiced' }, lines });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const invoiceCount = async () => Number((await sql<{ n: string }>`select count(*) as n from invoices where tenant_id = ${f.tenant.id}`.execute(t.rt.database.db)).rows[0]!.n);

describe('the order-flow invoice', () => {
  it('activateInvoice writes it Active in the order\'s transaction; one-time lines bill in full', async () => {
    const res = await place({ activateInvoice: true }, [
      { productId: f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' },
      { productId: f.ids.key, quantity: 2 },
    ]);
    expect(res.order.status).toBe('Activated');
    const [{ invoice, items }] = res.invoices;
    expect(invoice).toMatchObject({ status: 'Active', amountWithoutTax: 103.94, amount: 103.94, balance: 103.94, paymentStatus: 'NotTransferred' });
    expect(invoice.activatedTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(items.map((i: any) => [i.assetType, i.startDate, i.endDate, i.transactionAmount, i.status])).toEqual([
      ['Asset', '2023-06-22', '2023-06-22', 98, 'Active'], ['Subscription', '2023-06-22', '2023-06-30', 5.94, 'Active'],
    ]);
  });

  it('no generateInvoice, no invoice; in-arrears lines wait for their period to end', async () => {
    const before = await invoiceCount();
    await place({}, [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }]);
    expect(await invoiceCount()).toBe(before);
    const arrears = await place({ generateInvoice: true }, [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, billingTiming: 'In Arrears' }]);
    expect(arrears.invoices).toEqual([]);
    expect(arrears.orderProducts[0].billingTiming).toBe('InArrears');
  });

  it('a Draft invoice activates once; another tenant cannot see it', async () => {
    const res = await place({ generateInvoice: true }, [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }]);
    const id = res.invoices[0].invoice.id;
    const activated = await call('POST', '/billing/invoices:activate', { invoiceIds: [id] });
    expect(activated.json()[0].invoice).toMatchObject({ id, status: 'Active' });
    expect(activated.json()[0].items[0].status).toBe('Active');
    const again = await call('POST', '/billing/invoices:activate', { invoiceIds: [id] });
    expect([again.statusCode, again.json().errorCode]).toEqual([409, 'INVOICE_NOT_DRAFT']);
    const other = withKey((await t.newTenant()).apiKey);
    expect((await call('GET', `/billing/invoices/${id}`, undefined, other)).statusCode).toBe(404);
    expect((await call('GET', '/billing/invoices/nope')).statusCode).toBe(404);
  });
});

describe('POST /billing/invoices:activate with corrections', () => {
  const draft = async () => {
    const res = await place({ generateInvoice: true }, [
      { productId: f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' },
      { productId: f.ids.key, quantity: 2 },
    ]);
    const { invoice, items } = res.invoices[0];
    expect(invoice).toMatchObject({ status: 'Draft', amount: 103.94, invoiceDate: '2023-06-22', dueDate: '2023-07-22' });
    return { invoice, key: items.find((i: any) => i.assetType === 'Asset'), sub: items.find((i: any) => i.assetType === 'Subscription'), customerId: res.order.customerId };
  };

  it('an invoice date for all, item amounts per invoice, credits off; the next run bills the shortfall', async () => {
    const { invoice, key, sub, customerId } = await draft();
    const memo = (await call('POST', '/billing/credit-memos', { customerId, amount: 10, status: 'Active' })).json();
    const res = await call('POST', '/billing/invoices:activate', {
      invoiceIds: [invoice.id], invoiceDate: '2023-07-01', enabledAppliedCredits: false,
      data: [{ id: invoice.id, amount: 95.94, taxAmount: 0, invoiceItems: [{ id: key.id, invoiceId: invoice.id, transactionAmount: 90 }] }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [{ invoice: after, items }] = res.json();
    expect(after).toMatchObject({ status: 'Active', invoiceDate: '2023-07-01', dueDate: '2023-07-31', amountWithoutTax: 95.94, amount: 95.94, balance: 95.94 });
    expect(items.find((i: any) => i.id === key.id)).toMatchObject({ transactionAmount: 90, amount: 90, balance: 90, details: [{ billedAmount: 90 }] });
    expect(items.find((i: any) => i.id === sub.id)).toMatchObject({ transactionAmount: 5.94 });
    expect((await call('GET', `/billing/credit-memos/${memo.id}`)).json().balance).toBe(10);
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-06-22', customerIds: [customerId] })).json();
    const next = (await call('GET', `/billing/invoices/${job.invoiceIds[0]}`)).json();
    expect(next.items.map((i: any) => [i.assetNumber, i.transactionAmount])).toEqual([[key.assetNumber, 8]]);
  });

  it('figures that do not add up, or items of another invoice, are 400s that change nothing', async () => {
    const { invoice, key } = await draft();
    const other = await draft();
    for (const [data, code] of [
      [[{ id: invoice.id, amount: 1 }], 'INVOICE_TOTAL_MISMATCH'],
      [[{ id: invoice.id, invoiceItems: [{ id: other.key.id, transactionAmount: 1 }] }], 'INVALID_FIELD'],
      [[{ id: other.invoice.id }], 'INVALID_FIELD'],
      [[{ id: invoice.id, invoiceItems: [{ id: key.id, transactionAmount: -500 }] }], 'INVALID_FIELD'],
      [[{ id: invoice.id, invoiceDate: '2023-02-30' }], 'INVALID_FIELD'],
    ] as const) {
      const res = await call('POST', '/billing/invoices:activate', { invoiceIds: [invoice.id], data });
      expect([res.statusCode, res.json().errorCode], JSON.stringify(data)).toEqual([400, code]);
    }
    expect((await call('GET', `/billing/invoices/${invoice.id}`)).json().invoice).toMatchObject({ status: 'Draft', amount: 103.94 });
  });
});

describe('POST /orders/invoices:preview', () => {
  it('TC-4: a line from 2023-10-06, target 2023-10-09, previewed on 2023-10-25 → 8.25, nothing stored', async () => {
    const g = await orderFixture(t, { today: '2023-10-25' });
    const [customer] = (await t.call('POST', '/orders/customers', { body: [{ name: 'Previewer' }], headers: g.h })).json();
    const res = await t.call('POST', '/orders/invoices:preview', { headers: g.h, body: {
      customerId: customer.id, currencyIsoCode: 'USD', billingCycle: 'Month', targetDate: '2023-10-09',
      orderProducts: [{ id: 'op-1', priceModel: 'Recurring', startDate: '2023-10-06', endDate: '2024-10-05', totalPrice: 118.8, tax: 0, quantity: 1,
        productId: g.ids.platform, productName: 'Nue Platform', lineType: 'LineItem', netSalesPrice: 9.9, productSku: 'NUE-PLATFORM' }],
    } });
    expect(res.statusCode).toBe(200);
    const [{ invoice, items }] = res.json();
    expect(invoice).toMatchObject({ status: 'Draft', taxStatus: 'NotCalculated', startDate: '2023-10-06', endDate: '2023-10-31', amount: 8.25, amountWithoutTax: 8.25, balance: 8.25, invoiceDate: '2023-10-25', dueDate: '2023-11-24', targetDate: '2023-10-09' });
    expect(items.map((i: any) => [i.assetId, i.transactionAmount, i.details.map((d: any) => [d.detailType, d.billedAmount, d.orderProductId])])).toEqual([[`${g.ids.platform}_preview`, 8.25, [['Committed', 8.25, 'op-1']]]]);
    const stored = Number((await sql<{ n: string }>`select count(*) as n from invoices where tenant_id = ${g.tenant.id}`.execute(t.rt.database.db)).rows[0]!.n);
    expect(stored).toBe(0);
    const bad = await t.call('POST', '/orders/invoices:preview', { headers: g.h, body: { customerId: customer.id, orderProducts: [{ productId: g.ids.platform, startDate: '2023-02-30' }] } });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'body/orderProducts/0/startDate must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31']);
  });
});
