import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Numbers are kept exactly or refused (issue 15 part 5): a JSON number with more digits than binary64
// keeps (it arrives already rounded) is a 400 asking for a decimal string, a decimal string of more
// than 30 significant digits too; a lone UTF-16 surrogate in any string or key is a 400 naming it.
// Nothing is written in either case.
const s = orderSuite({ today: '2023-06-22' });

describe('numbers and text a column cannot keep', () => {
  it('40-digit quantities, 17-digit tax rates and lone surrogates: 400 naming the field, nothing written', async () => {
    const orders = async () => (await sql<{ n: string }>`select count(*) as n from orders where tenant_id = ${s.f.tenant.id}`.execute(s.t.rt.database.db)).rows[0]!.n;
    const rates = async () => (await sql<{ n: string }>`select count(*) as n from tax_rates where tenant_id = ${s.f.tenant.id}`.execute(s.t.rt.database.db)).rows[0]!.n;
    const before = [await orders(), await rates()];
    const order = (quantity: unknown) => s.call('POST', '/orders', { customer: { name: 'Digits' }, lines: [{ productId: s.f.ids.platform, quantity, subscriptionTerm: 12 }] });
    const big = await order(1.2345678901234568e+39);
    expect([big.statusCode, big.json().errorCode, big.json().message]).toEqual([400, 'INVALID_AMOUNT',
      'body/lines/0/quantity has more digits than a JSON number keeps exactly (15 significant, below 1e21): send it as a decimal string such as "12.30"']);
    const long = await order('1234567890123456789012345678901');
    expect([long.statusCode, long.json().message]).toEqual([400, 'body/lines/0/quantity must have at most 30 significant digits']);
    const rate = await s.call('POST', '/tax/rates', { country: 'US', state: 'WA', taxPercentage: 10.123456789012345 });
    expect([rate.statusCode, rate.json().errorCode]).toEqual([400, 'INVALID_AMOUNT']);
    for (const [path, payload] of [
      ['body/customer/name', '{"customer":{"name":"half \\ud800 a pair"},"lines":[]}'],
      ['body/customer/\udc00', '{"customer":{"\\udc00":"x"},"lines":[]}'],
    ] as const) {
      const res = await s.t.rt.app.inject({ method: 'POST', url: '/orders', headers: { ...s.f.h, 'content-type': 'application/json' }, payload });
      expect([res.statusCode, res.json().errorCode, res.json().message]).toEqual([400, 'INVALID_FIELD', `${path} holds a lone UTF-16 surrogate (half of a character)`]);
    }
    expect([await orders(), await rates()]).toEqual(before);
    // what a column keeps is kept exactly: 30 digits as a string, a pair of surrogates (one character)
    // (the fixture's UOM counts whole units: a 30-digit whole quantity)
    const exact = await order('123456789012345678901234567890');
    expect(exact.statusCode, exact.body).toBe(200);
    const stored = (await sql<{ quantity: string }>`select quantity from order_products where tenant_id = ${s.f.tenant.id} and order_id = ${exact.json().order.id}`.execute(s.t.rt.database.db)).rows[0]!.quantity;
    expect(stored).toBe('123456789012345678901234567890');
    const emoji = await s.t.rt.app.inject({ method: 'POST', url: '/orders/customers', headers: { ...s.f.h, 'content-type': 'application/json' }, payload: '[{"name":"smile \\ud83d\\ude00"}]' });
    expect([emoji.statusCode, emoji.json()[0]?.name]).toEqual([200, 'smile 😀']);
  });
});
