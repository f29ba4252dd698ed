import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { Dec } from '../../src/core/money.js';
import { lineTax, pickRate, type TaxRate } from '../../src/tax/tax.js';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

const rate = (country: string, state: string | null, taxCode: string | null, r: string): TaxRate => ({ id: `${country}-${state}-${taxCode}`, name: null, country, state, taxCode, rate: new Dec(r) });
const rates = [rate('US', null, null, '5'), rate('US', 'CA', null, '8.625'), rate('US', 'CA', 'SW', '9'), rate('US', null, 'FOOD', '1'), rate('DE', null, null, '19')];

describe('tax arithmetic', () => {
  it('the most specific rate wins', () => {
    expect(pickRate(rates, { country: 'US', state: 'CA' }, 'SW')?.rate.toString()).toBe('9');
    expect(pickRate(rates, { country: 'us', state: 'ca' }, null)?.rate.toString()).toBe('8.625');
    expect(pickRate(rates, { country: 'US', state: 'NY' }, 'FOOD')?.rate.toString()).toBe('1');
    expect(pickRate(rates, { country: 'US', state: 'NY' }, null)?.rate.toString()).toBe('5');
    expect(pickRate(rates, { country: 'FR', state: null }, null)).toBeUndefined();
    expect(pickRate(rates, { country: null, state: null }, null)).toBeUndefined();
  });

  it('exclusive tax is added; inclusive tax is carved out of the total', () => {
    expect(lineTax(new Dec('118.8'), new Dec('8.625'), 'Exclusive', 'USD')).toEqual({ taxAmount: new Dec('10.25'), netTotal: new Dec('118.8') });
    const inc = lineTax(new Dec('119'), new Dec('19'), 'Inclusive', 'EUR');
    expect([inc.taxAmount.toFixed(2), inc.netTotal.toFixed(2)]).toEqual(['19.00', '100.00']);
  });
});

let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
  await f.post('/tax/rates', { country: 'United States', state: 'California', taxPercentage: 8.625 });
  await f.post('/tax/rates', { country: 'United States', taxPercentage: '5' });
});
afterAll(() => t.close());

const order = (extra: Record<string, unknown>) => f.post('/orders', {
  customer: { name: 'Taxed' }, billToContact: { billingCountry: 'United States', billingState: 'California' },
  lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }], ...extra,
});

describe('tax on orders', () => {
  it('reads the bill-to address; calculateTax false skips it; taxRates override per SKU', async () => {
    expect((await order({})).order.taxAmount).toBe(10.25);
    expect((await order({ billToContact: { billingCountry: 'United States', billingState: 'Nevada' } })).order.taxAmount).toBe(5.94);
    expect((await order({ options: { calculateTax: false } })).order).toMatchObject({ taxAmount: 0, totalAmount: 118.8 });
    expect((await order({ taxRates: [{ productSku: 'NUE-PLATFORM', taxPercentage: 10 }] })).order.taxAmount).toBe(11.88);
    expect((await order({ billToContact: {}, customer: { name: 'Abroad', billingCountry: 'United States' } })).order.taxAmount).toBe(5.94);
  });

  it('an exempt customer pays none', async () => {
    const res = await order({ customer: { name: 'Charity', taxExempt: true } });
    expect(res.order).toMatchObject({ taxAmount: 0, totalAmount: 118.8 });
  });

  it('manages rate tables: duplicates are 409s, bad percentages 400s', async () => {
    const list = (await t.call('GET', '/tax/rates', { headers: f.h })).json();
    expect(list.map((r: { state: string | null; taxPercentage: number }) => [r.state, r.taxPercentage])).toEqual([[null, 5], ['California', 8.625]]);
    const dup = await t.call('POST', '/tax/rates', { body: { country: 'united states', state: 'CALIFORNIA', taxPercentage: 9 }, headers: f.h });
    expect([dup.statusCode, dup.json().errorCode]).toEqual([409, 'DUPLICATE_TAX_RATE']);
    const bad = await t.call('POST', '/tax/rates', { body: { country: 'US', taxPercentage: 101 }, headers: f.h });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'body/taxPercentage must be between 0 and 100']);
    const nan = await t.call('POST', '/tax/rates', { body: { country: 'US', taxPercentage: 'ten' }, headers: f.h });
    expect(nan.statusCode).toBe(400);
    const created = (await t.call('POST', '/tax/rates', { body: { country: 'Germany', taxPercentage: 19 }, headers: f.h })).json();
    expect((await t.call('DELETE', `/tax/rates/${created.id}`, { headers: f.h })).statusCode).toBe(204);
    expect((await t.call('DELETE', `/tax/rates/${created.id}`, { headers: f.h })).statusCode).toBe(404);
  });
});
