import { afterAll, beforeAll, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Every leaf of a valid body for each write, replaced in turn by a wrong value (or removed): the
// answer is never a 500, and a refusal's message names what is wrong in words — never "undefined",
// "null" as a word, "[object Object]" or "NaN" (issue 14 part 11). Where the random fuzzer
// (fuzz.test.ts) mostly stops at the first field, these bodies reach each field's own check.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

it('one wrong field at a time, in every write: a 4xx whose message says what is wrong', async () => {
  const f = await orderFixture(t, { today: '2023-06-22' });
  const line = { productId: f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' };
  const placed = await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Ex', email: 'ex@example.com' }, billToContact: { firstName: 'A', lastName: 'B', email: 'a@example.com' }, lines: [line] });
  const customerId = placed.order.customerId;
  const sub = placed.subscriptions[0].name;
  const inv = placed.invoices[0].invoice.id;
  const cm = await f.post('/billing/credit-memos', { customerId, amount: 5, reason: 'x' });
  const dm = await f.post('/billing/debit-memos', { customerId, amount: 5, reason: 'x' });
  const cart = await f.post('/orders', { options: { activateOrder: false }, customerId, lines: [line] });
  const bases: [string, string, unknown][] = [
    ['POST', '/orders', { options: { activateOrder: false, previewInvoice: true }, customerId, billingCycle: 'Month', lines: [line] }],
    ['POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'N', email: 'n@example.com' }, billToContact: { firstName: 'A', lastName: 'B', email: 'a@example.com', billingCountry: 'US' }, paymentMethod: { token: 'pm_card_visa' }, lines: [{ ...line, addOns: [] }] }],
    ['POST', `/orders/${cart.order.id}`, { options: { activateOrder: false }, lines: [line] }],
    ['POST', `/orders/${cart.order.id}:activate`, { additionalFields: { poNumber: 'x' } }],
    ['POST', '/orders/invoices:preview', { customerId, targetDate: '2023-07-01', orderProducts: [{ ...line, 'Billing Period': 'Month' }] }],
    ['POST', '/cpq/create-order', { customerId, effectiveDate: '2023-06-22', priceBookId: f.book.id, orderProducts: [line] }],
    ['POST', '/cpq/change-order:preview', { options: { previewInvoice: true }, assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-25' }] }],
    ['POST', '/cpq/change-order:preview', { assetChanges: [{ assetNumber: sub, changeType: 'Renew', renewalTerm: 12 }] }],
    ['POST', '/cpq/change-order:preview', { assetChanges: [{ assetNumber: sub, changeType: 'Cancel', cancellationDate: '2023-09-30' }] }],
    ['POST', '/cpq/change-order:preview', { assetChanges: [{ assetNumber: sub, changeType: 'UpdateTerm', term: 1, startDate: '2023-06-25' }] }],
    ['POST', '/cpq/change-order:preview', { assetChanges: [{ assetNumber: sub, changeType: 'CoTerm', coTermDate: '2024-12-31' }] }],
    ['POST', '/cpq/change-order:preview', { assetChanges: [{ assetNumber: sub, changeType: 'AdjustPrice', startDate: '2023-07-01', netSalesPrice: 5, discount: { discountPercentage: 10 } }] }],
    ['POST', '/cpq/change-order:preview', { assetChanges: [{ assetNumber: sub, changeType: 'ConvertFreeTrial', convertFreeTrial: { startDate: '2023-07-01' } }] }],
    ['POST', '/cpq/change-order-in-bulk', { assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-25' }] }],
    ['POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv, transactionAmount: 1 }] }],
    ['POST', '/billing/invoices:refund', { invoiceId: inv, amount: 1 }],
    ['POST', '/billing/invoices:write-off', { invoiceIds: [inv] }],
    ['POST', '/billing/invoices:activate', { invoiceIds: [inv], data: [{ id: inv, invoiceItems: [{ id: inv, transactionAmount: 1 }] }] }],
    ['PATCH', `/billing/invoices/${inv}`, { dueDate: '2023-08-01', description: 'x', customFields: { a__c: 1 } }],
    ['POST', '/billing/credit-memos', { customerId, amount: 5, taxAmount: 0, reason: 'x', status: 'Draft', items: [{ amount: 1 }] }],
    ['PATCH', `/billing/credit-memos/${cm.id}`, { creditMemoDate: '2023-06-30', amount: 2 }],
    ['POST', '/billing/credit-memos:activate', { creditMemoIds: [cm.id] }],
    ['POST', '/billing/credit-memos:apply', { creditMemoId: cm.id, applications: [{ invoiceId: inv, amount: 1 }] }],
    ['POST', '/billing/credit-memos:unapply', { creditMemoId: cm.id, applications: [{ invoiceId: inv, amount: 1 }] }],
    ['POST', '/billing/debit-memos', { debitMemo: { customerId, amount: 5, reason: 'x', startDate: '2023-06-01', endDate: '2023-06-30' } }],
    ['POST', '/billing/debit-memos:update', { debitMemo: { id: dm.id, customerId, amount: 6 } }],
    ['POST', '/billing/credits:convert', { credits: [{ creditNumber: 'CRE-1', amount: 1 }] }],
    ['POST', '/billing/schedules', { scheduleType: 'OneTime', autoActivate: true, targetDate: '2023-07-01', customerIds: [customerId] }],
    ['POST', '/billing/schedules', { scheduleType: 'Recurring', recurringSchedule: { cronExpression: '0 0 1 * *' }, name: 'x' }],
    ['POST', '/orders/customers', [{ name: 'C', email: 'c@example.com', parentCustomerId: customerId, billingCountry: 'US', contacts: [{ firstName: 'a', lastName: 'b' }] }]],
    ['PATCH', `/orders/customers/${customerId}`, { name: 'C2', externalId: 'E1', email: 'c@example.com' }],
    ['POST', `/orders/customers/${customerId}/contacts`, [{ firstName: 'a', lastName: 'b', email: 'x@example.com' }]],
    ['PATCH', `/orders/subscriptions/${placed.subscriptions[0].id}`, { description: 'x' }],
    ['POST', '/tax/rates', { country: 'US', state: 'CA', taxCode: 'X', taxPercentage: 5 }],
    ['POST', '/objects/Product', { name: 'P', sku: 'P-1', status: 'Active', uomId: f.uom.id, priceBookEntries: [{ priceBookId: f.book.id, uomId: f.uom.id, currencyIsoCode: 'USD', listPrice: 1 }] }],
    ['POST', '/objects/composite/ProductList', { persistentObjects: [{ referenceId: 'a', content: { name: 'Q', sku: 'Q-1', status: 'Active', uomId: f.uom.id } }] }],
    ['POST', '/objects/PriceDimension', { name: 'T', code: 'T1', recordType: 'PriceDimension', priceTiers: [{ startUnit: 0, endUnit: null, amount: 1 }] }],
    ['POST', '/test/clock', { today: '2023-06-22' }],
    ['PATCH', '/tenant', { settings: { billCycleDay: 1, termBasis: 'US30360' } }],
    ['POST', '/apiKeys', { name: 'k', role: 'read-only', customerId }],
    ['POST', '/apiClients', { name: 'c', role: 'read-only', customerId }],
    ['POST', '/users', { userName: 'u@example.com', password: 'password123', roles: ['admin'] }],
    ['POST', '/async/graphql', { query: '{ Customer(limit: 1) { id } }', variables: {} }],
    ['DELETE', '/orders', { orderIds: [cart.order.id], allowDeleteCanceledOrder: false }],
  ];
  const values: unknown[] = [undefined, null, {}, [], 'x', -1, 1e30, true, [null], '2023-02-30'];
  const found: string[] = [];
  const paths = (v: unknown, pre: (string | number)[] = []): (string | number)[][] => {
    if (Array.isArray(v)) return [pre, ...v.flatMap((x, i) => paths(x, [...pre, i]))];
    if (v && typeof v === 'object') return [pre, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...pre, k]))];
    return [pre];
  };
  // the body with the value at `p` (undefined: the key removed)
  const setAt = (root: unknown, p: (string | number)[], val: unknown): unknown => {
    if (p.length === 0) return val;
    const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
    const [h, ...rest] = p;
    if (rest.length === 0 && val === undefined) { if (Array.isArray(copy)) copy.splice(h as number, 1); else delete copy[h!]; return copy; }
    copy[h!] = setAt(copy[h!], rest, val);
    return copy;
  };
  let requests = 0;
  for (const [method, url, base] of bases) {
    for (const p of paths(base)) {
      for (const v of values) {
        const body = setAt(base, p, v);
        requests++;
        const res = await t.call(method as 'POST', url, { body, headers: f.h });
        if (url === '/test/clock' || url === '/tenant') await t.call('POST', '/test/clock', { body: { today: '2023-06-22' }, headers: f.h });
        if (res.statusCode < 400) continue;
        let message: unknown;
        try { message = res.json().message; } catch { message = `not JSON: ${res.body}`; }
        if (res.statusCode >= 500 || typeof message !== 'string' || /undefined|\bnull\b|\[object Object\]|NaN/.test(message)) {
          found.push(`${res.statusCode} ${method} ${url.replace(/[0-9a-f-]{36}/g, '<id>')} body/${p.join('/')} = ${JSON.stringify(v) ?? '(removed)'} → ${String(message)}`);
        }
      }
    }
  }
  expect(requests).toBeGreaterThan(2000);
  expect(found).toEqual([]);
}, 600_000);
