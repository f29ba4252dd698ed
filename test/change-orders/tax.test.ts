import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// A change line's tax (DESIGN §4 Tax): round(r × T_after) − round(r × T_before) over the asset's
// contract value, at the rate in effect at the customer's address, for every change type — so the
// lines' taxes always add up to round(r × T) of the contract as it stands.
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const cents = (x: number) => Math.round(x * 100);
const taxOf = (t: number) => Math.round(t * 100 * 0.1025) / 100;    // round half up on positive cents here

describe('change-line tax', () => {
  it('+2 seats, then −1 seat, then a cancel: every line taxed by the same rule, the taxes add up to the contract’s', async () => {
    expect((await call('POST', '/tax/rates', { country: 'United States', state: 'California', taxPercentage: 10.25 })).statusCode).toBe(201);
    const o = (await call('POST', '/orders', { customer: { name: 'Taxed changes' },
      billToContact: { firstName: 'W', lastName: 'C', billingCountry: 'United States', billingState: 'California' },
      lines: [{ productId: s.f.ids.platform, quantity: 3, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    expect([o.order.totalPrice, o.order.taxAmount]).toEqual([356.4, 36.53]);
    let total = 356.4;
    let taxes = 36.53;
    const sub = o.subscriptions[0].name;
    for (const [today, change] of [
      ['2023-08-01', { changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-08-01' }],
      ['2023-10-01', { changeType: 'UpdateQuantity', quantity: -1, startDate: '2023-10-01' }],
      ['2023-12-01', { changeType: 'Cancel', cancellationDate: '2024-02-01' }],
    ] as const) {
      await call('POST', '/test/clock', { today });
      const res = await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: sub, ...change }] });
      expect(res.statusCode, res.body).toBe(200);
      const line = res.json().orderProducts.find((l: any) => l.isChange);
      const after = (cents(total) + cents(line.deltaTCV)) / 100;
      expect(line.taxAmount, `${change.changeType} on ${today}`).toBe((cents(taxOf(after)) - cents(taxOf(total))) / 100);
      total = after;
      taxes = (cents(taxes) + cents(line.taxAmount)) / 100;
      expect(taxes).toBe(taxOf(total));
    }
  });
});
