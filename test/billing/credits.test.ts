import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Credits: an order for a product with a credit conversion grants a credit (CRE-…); credits:convert
// turns its cash into Active credit memos (seed TC-4), never more than is left.
const vectors = JSON.parse(readFileSync(new URL('../vectors/credits.json', import.meta.url), 'utf8')) as any[];
const tc4 = vectors[0];

let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
let productId: string;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: tc4.order.today });
  const type = await f.post('/objects/CreditType', { name: 'Cash credit' });
  const conversion = await f.post('/objects/CreditConversion', { name: 'One for one', creditTypeId: type.id, ...tc4.conversion });
  const [p] = await f.post('/objects/composite/ProductList', { persistentObjects: [{ referenceId: 'credit', content: {
    name: tc4.product.name, sku: 'CREDIT-CASH', status: 'Active', productType: tc4.product.productType, priceModel: tc4.product.priceModel,
    uomId: f.each.id, creditConversionId: conversion.id, priceBookEntries: [{ priceBookId: f.book.id, uomId: f.each.id, currencyIsoCode: 'USD', listPrice: tc4.product.listPrice }],
  } }] });
  productId = p.id;
});
afterAll(() => t.close());

const call = (method: 'POST' | 'GET', url: string, body?: unknown) => t.call(method, url, { body, headers: f.h });
const buy = async (name: string, quantity: number) => {
  await call('POST', '/test/clock', { today: tc4.order.today });
  const res = await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name }, lines: [{ productId, quantity }] });
  expect(res.statusCode, res.body).toBe(200);
  const customerId = res.json().order.customerId as string;
  return { customerId, credits: (await call('GET', `/billing/credits?customerId=${customerId}`)).json() };
};

describe('credits', () => {
  it(tc4.name, async () => {
    const { credits } = await buy('TC-4', tc4.order.quantity);
    expect(credits).toHaveLength(1);
    expect(credits[0]).toMatchObject({ creditNumber: expect.stringMatching(/^CRE-\d{12}$/), status: 'Active', quantity: 25, amount: 50, balance: 50, unitPrice: 2, assetType: 'Asset' });
    await call('POST', '/test/clock', { today: tc4.convert.today });
    const res = await call('POST', '/billing/credits:convert', { credits: [{ creditId: credits[0].id, creditNumber: credits[0].creditNumber, amount: tc4.convert.amount }] });
    expect(res.statusCode, res.body).toBe(200);
    const [memo] = res.json().invoices;
    expect(memo).toMatchObject({ ...tc4.expect.memo, creditMemoNumber: expect.stringMatching(/^CM-\d{8}$/) });
    expect(memo.items).toHaveLength(1);
    expect(memo.items[0]).toMatchObject({ ...tc4.expect.item, creditMemoItemNumber: expect.stringMatching(/^CMI-\d{8}$/), assetNumber: credits[0].assetNumber });
    expect(memo.items[0].details[0]).toMatchObject({ ...tc4.expect.detail, orderProductId: credits[0].orderProductId });
    expect((await call('GET', `/billing/credits/${credits[0].creditNumber}`)).json()).toMatchObject(tc4.expect.credit);
    // the conversion is not "billed" against the asset: a billing run owes nothing and credits nothing
    const job = (await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2024-05-07', customerIds: [credits[0].customerId] })).json();
    expect(job).toMatchObject({ invoiceIds: [], creditMemoIds: [] });
  });

  it('never converts more than is left; a canceled conversion gives its cash back', async () => {
    const { credits: [credit] } = await buy('Partial', 10);
    const convert = (amount: unknown, extra: Record<string, unknown> = {}) => call('POST', '/billing/credits:convert', { credits: [{ creditId: credit.id, amount, ...extra }] });
    const first = (await convert(12.5)).json().invoices[0];
    expect(first.items[0]).toMatchObject({ transactionAmount: 12.5, transactionQuantity: 6.25 });
    const over = await convert(7.51);
    expect([over.statusCode, over.json().errorCode]).toEqual([409, 'OVER_CONVERTED']);
    expect((await call('GET', `/billing/credits/${credit.id}`)).json()).toMatchObject({ balance: 7.5, status: 'Active' });
    await call('POST', '/billing/credit-memos:async-cancel', { creditMemoIds: [first.id] });
    expect((await call('GET', `/billing/credits/${credit.id}`)).json()).toMatchObject({ balance: 20, status: 'Active' });
    for (const [body, status, code] of [
      [{ credits: [] }, 400, 'INVALID_FIELD'],
      [{ credits: [{ creditId: 'nope', amount: 1 }] }, 400, 'INVALID_FIELD'],
      [{ credits: [{ amount: 1 }] }, 400, 'INVALID_FIELD'],
      [{ credits: [{ creditId: credit.id, amount: 0 }] }, 400, 'INVALID_FIELD'],
      [{ credits: [{ creditId: credit.id, amount: 'x' }] }, 400, 'INVALID_AMOUNT'],
      [{ credits: [{ creditId: credit.id, creditNumber: 'CRE-999999999999', amount: 1 }] }, 400, 'INVALID_FIELD'],
      [{ credits: [{ creditNumber: 'CRE-999999999999', amount: 1 }] }, 404, 'CREDIT_NOT_FOUND'],
    ] as const) {
      const res = await call('POST', '/billing/credits:convert', body);
      expect([res.statusCode, res.json().errorCode], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await call('GET', `/billing/credits/${credit.id}`)).json().balance).toBe(20);
    expect((await call('GET', '/billing/credits?customerId=nope')).statusCode).toBe(400);
  });
});
