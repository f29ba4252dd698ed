import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

// POST /orders/invoices:preview is a cart's invoice preview without the cart: the order request
// (either shape, and the seed's OrderInvoicePreviewRequest names), priced from the price book, and
// the invoices POST /orders with activateOrder: false, previewInvoice: true shows — nothing stored.
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
let customerId: string;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
  await f.post('/tax/rates', { country: 'United States', state: 'California', taxPercentage: '8.625' });
  [{ id: customerId }] = await f.post('/orders/customers', [{ name: 'Nue IO, Inc.', externalId: 'SF-0018G', billingCountry: 'United States', billingState: 'California' }]);
});
afterAll(() => t.close());

const call = (url: string, body: unknown) => t.call('POST', url, { body, headers: f.h });
/** Ids are new on every call (a preview's invoice id, a cart's line ids): compared as `<id>`. */
const withoutIds = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"<id>"'));
async function counts() {
  const q = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${f.tenant.id}`.execute(t.rt.database.db)).rows[0]!.n);
  return { customers: await q('customers'), orders: await q('orders'), lines: await q('order_products'), invoices: await q('invoices'), assets: await q('asset_versions') };
}
const tc1Line = { productId: '', quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' };

describe('POST /orders/invoices:preview', () => {
  it('TC-1 from the price book: the same invoice as the cart previews (9.9/month from 2023-06-22: 2.97 + 0.26 tax)', async () => {
    const line = { ...tc1Line, productId: f.ids.platform };
    const before = await counts();
    const res = await call('/orders/invoices:preview', { customerId, billingCycle: 'Month', lines: [line] });
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(await counts()).toEqual(before);
    expect(preview).toHaveLength(1);
    const [{ invoice, items }] = preview;
    expect(invoice).toMatchObject({
      name: null, invoiceNumber: null, status: 'Draft', customerId, currencyIsoCode: 'USD', startDate: '2023-06-22', endDate: '2023-06-30', targetDate: '2023-06-22',
      invoiceDate: '2023-06-22', dueDate: '2023-07-22', amountWithoutTax: 2.97, taxAmount: 0.26, amount: 3.23, balance: 3.23,
    });
    expect(items.map((i: any) => [i.assetId, i.startDate, i.endDate, i.transactionQuantity, i.transactionAmount, i.taxAmount, i.prorationNumerator ?? null, i.prorationDenominator ?? null]))
      .toEqual([[`${f.ids.platform}_preview`, '2023-06-22', '2023-06-30', 1, 2.97, 0.26, 9, 30]]);

    // the cart: the same lines through POST /orders, previewInvoice
    const cart = await call('/orders', { options: { activateOrder: false, previewInvoice: true }, customerId, billingCycle: 'Month', lines: [line] });
    expect(cart.statusCode).toBe(200);
    expect(cart.json().order.totalPrice).toBe(118.8);
    expect(withoutIds(preview)).toEqual(withoutIds(cart.json().previewInvoices));
  });

  it('takes the seed request: customer by external id, orderProducts, startDate/endDate, "Billing Period"; client prices are ignored', async () => {
    const seed = await call('/orders/invoices:preview', {
      customerId: 'SF-0018G', 'Billing Period': 'Month', 'Payment Term': 'Net 30', currencyIsoCode: 'USD',
      orderProducts: [{ id: 'op-1', priceModel: 'Recurring', startDate: '2023-06-22', endDate: '2024-06-21', totalPrice: 1, tax: 0, quantity: 1,
        productId: f.ids.platform, productName: 'Nue Platform', lineType: 'LineItem', netSalesPrice: 0.5, productSku: 'NUE-PLATFORM' }],
    });
    expect(seed.statusCode).toBe(200);
    const [{ invoice, items }] = seed.json();
    expect(invoice).toMatchObject({ customerId, startDate: '2023-06-22', endDate: '2023-06-30', amountWithoutTax: 2.97, taxAmount: 0.26, amount: 3.23, dueDate: '2023-07-22' });
    expect(items.map((i: any) => [i.transactionAmount, i.details.map((d: any) => [d.detailType, d.orderProductId, d.billedAmount])])).toEqual([[2.97, [['Committed', 'op-1', 2.97]]]]);
    // the same invoice as the order-shaped request (the client's line id aside)
    const order = (await call('/orders/invoices:preview', { customerId, billingCycle: 'Month', orderProducts: [{ ...tc1Line, productId: f.ids.platform }] })).json();
    expect(withoutIds(seed.json()).map((x: any) => x.invoice)).toEqual(withoutIds(order).map((x: any) => x.invoice));
  });

  it('a start in July bills July 6–31 as 25/30, dated today as a prepayment', async () => {
    const res = await call('/orders/invoices:preview', { customerId, lines: [{ productId: f.ids.platform, quantity: 2, subscriptionStartDate: '2023-07-06' }], options: { calculateTax: false } });
    const [{ invoice, items }] = res.json();
    expect(invoice).toMatchObject({ startDate: '2023-07-06', endDate: '2023-07-31', invoiceDate: '2023-06-22', dueDate: '2023-07-22', amount: 16.5, taxAmount: 0 });
    expect(items.map((i: any) => [i.transactionQuantity, i.transactionAmount])).toEqual([[2, 16.5]]);
  });

  it('a new customer is validated, not written; its defaults apply as the cart applies them', async () => {
    const before = await counts();
    const body = { customer: { name: 'Walk-in', billCycleDay: 15 }, lines: [{ productId: f.ids.platform, subscriptionStartDate: '2023-06-22' }], options: { calculateTax: false } };
    const res = await call('/orders/invoices:preview', body);
    expect(res.statusCode).toBe(200);
    const [{ invoice }] = res.json();
    expect(invoice).toMatchObject({ customerId: null, startDate: '2023-06-22', endDate: '2023-07-14', amount: 7.59 }); // 9.9 × 23/30
    expect(await counts()).toEqual(before);
    const cart = (await call('/orders', { ...body, options: { ...body.options, activateOrder: false, previewInvoice: true } })).json();
    expect(cart.previewInvoices.map((x: any) => x.invoice.amount)).toEqual([7.59]);
    const bad = await call('/orders/invoices:preview', { ...body, customer: { name: 'Walk-in', billCycleDay: 'x' } });
    expect([bad.statusCode, bad.json().message]).toEqual([400, expect.stringContaining('body/customer/billCycleDay')]);
  });

  it('uses client prices only with calculatePrice: false, which needs prices:override', async () => {
    const body = { customerId, options: { calculatePrice: false, calculateTax: false }, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionStartDate: '2023-06-22', netSalesPrice: 20 }] };
    const [{ invoice }] = (await call('/orders/invoices:preview', body)).json();
    expect(invoice).toMatchObject({ amountWithoutTax: 6, amount: 6 }); // 20 × 9/30
    const clerk = await f.post('/apiKeys', { name: 'clerk', role: 'sales' });
    const denied = await t.call('POST', '/orders/invoices:preview', { body, headers: { apiAccessKey: clerk.apiKey } });
    expect([denied.statusCode, denied.json().errorCode]).toEqual([403, 'PERMISSION_DENIED']);
  });

  it('consumes no document numbers: the cart placed after previews takes the next order number', async () => {
    const line = { ...tc1Line, productId: f.ids.platform };
    const first = await f.post('/orders', { options: { activateOrder: false }, customerId, lines: [line] });
    for (let i = 0; i < 3; i++) await f.post('/orders/invoices:preview', { customerId, lines: [line] });
    const second = await f.post('/orders', { options: { activateOrder: false }, customerId, lines: [line] });
    expect(Number(second.order.orderNumber.replace(/\D/g, '')) - Number(first.order.orderNumber.replace(/\D/g, ''))).toBe(1);
  });

  it.each([
    [{ customerId: '', lines: [] }, 'body/customerId must be a customer id or external id'],
    [{ lines: [{ productId: 'P' }] }, 'body/lines/0/productId must be an id'],
    [{ customerId: 'x', lines: [{ productId: 'P', quantity: 0 }] }, 'body/lines/0/productId must be an id'],
    [{ customerId: 'x', lines: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 0 }] }, 'body/lines/0/quantity must be > 0'],
    [{ customerId: 'x', orderProducts: [{ productId: '00000000-0000-4000-8000-000000000001', startDate: '2023-02-30' }] }, 'body/orderProducts/0/startDate must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31'],
    [{ customerId: 'x', lines: 'no' }, 'body/lines must be array'],
    [{ customerId: 'x', targetDate: 'soon', lines: [] }, 'body/targetDate must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31'],
    [{ customerId: 'x', 'Bill Cycle Day': '40', lines: [] }, 'body/Bill Cycle Day must be between 1 and 31'],
    [{ lines: [] }, 'body/customer (a new customer) or body/customerId is required'],
    [{ customerId: 'SF-0018G', lines: [] }, 'body/orderProducts must hold at least one line'],
  ])('bad input %j → 400 naming the field', async (body, message) => {
    const before = await counts();
    const res = await call('/orders/invoices:preview', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ title: expect.any(String), message, errorCode: expect.any(String), errorType: expect.any(String) });
    expect(await counts()).toEqual(before);
  });

  it('a customer, product or end date that does not fit is a 4xx naming it', async () => {
    const unknown = await call('/orders/invoices:preview', { customerId: 'SF-none', lines: [{ productId: f.ids.platform }] });
    expect([unknown.statusCode, unknown.json().errorCode]).toEqual([404, 'CUSTOMER_NOT_FOUND']);
    const draft = await call('/orders/invoices:preview', { customerId, lines: [{ productId: f.ids.draft }] });
    expect([draft.statusCode, draft.json().message]).toEqual([400, `body/lines/0/productId: product DRAFT is Draft`]);
    const end = await call('/orders/invoices:preview', { customerId, orderProducts: [{ productId: f.ids.platform, startDate: '2023-06-22', endDate: '2024-06-30' }] });
    expect([end.statusCode, end.json().message]).toEqual([400, 'body/orderProducts/0/endDate must be the last day of a whole term from 2023-06-22 (12 Months end 2024-06-21)']);
    const six = await call('/orders/invoices:preview', { customerId, orderProducts: [{ productId: f.ids.platform, startDate: '2023-06-22', endDate: '2023-12-21' }], targetDate: '2023-12-01' });
    expect(six.statusCode).toBe(200);
  });
});
