import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { Dec, roundMoney } from '../../src/core/money.js';
import { orderSuite } from '../orders/support.js';

// A change line's tax (DESIGN §4 Tax): round(r × T_after) − round(r × T_before) over the asset's
// contract value, at the rate in effect at the customer's tax address (the orders' fallbacks: here
// its only contact, the primary bill-to contact), for every change type — so the lines' taxes always
// add up to round(r × T) of the contract as it stands. Exact decimals, exact cents.
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const rate = new Dec('10.25');
const taxOf = (t: Dec) => roundMoney(t.times(rate).dividedBy(100), 'USD');
const money = (x: Dec) => x.toNumber();
const california = { billingCountry: 'United States', billingState: 'California' };

async function order(name: string, billToContact?: Record<string, unknown>) {
  const res = await call('POST', '/orders', { customer: { name }, ...(billToContact && { billToContact: { firstName: 'W', lastName: 'C', ...billToContact } }),
    lines: [{ productId: s.f.ids.platform, quantity: 3, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Applies each change on its day; checks every change line against the rule and the running sum against the contract's tax. */
async function changeInTurn(sub: string, start: { total: Dec; taxes: Dec }, changes: readonly (readonly [string, Record<string, unknown>])[]) {
  let { total, taxes } = start;
  const seen: number[] = [];
  for (const [today, change] of changes) {
    await call('POST', '/test/clock', { today });
    const res = await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: sub, ...change }] });
    expect(res.statusCode, res.body).toBe(200);
    const line = res.json().orderProducts.find((l: { isChange: boolean }) => l.isChange);
    const after = total.plus(String(line.deltaTCV));
    const label = `${String(change.changeType)} on ${today}`;
    expect([line.taxAmount, line.taxStatus, line.taxPercentage], label).toEqual([money(taxOf(after).minus(taxOf(total))), 'Calculated', 10.25]);
    expect(line.totalAmount, label).toBe(money(new Dec(String(line.deltaTCV)).plus(String(line.taxAmount))));
    total = after;
    taxes = taxes.plus(String(line.taxAmount));
    expect(money(taxes), label).toBe(money(taxOf(total)));
    seen.push(line.taxAmount);
  }
  return seen;
}

describe('change-line tax', () => {
  it('+2 seats, then −1 seat, then a cancel: every line taxed by the same rule, the taxes add up to the contract’s', async () => {
    expect((await call('POST', '/tax/rates', { country: 'United States', state: 'California', taxPercentage: 10.25 })).statusCode).toBe(201);
    const o = await order('Taxed changes', california);
    expect([o.order.totalPrice, o.order.taxAmount]).toEqual([356.4, 36.53]);
    const seen = await changeInTurn(o.subscriptions[0].name, { total: new Dec('356.4'), taxes: new Dec('36.53') }, [
      ['2023-08-01', { changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-08-01' }],
      ['2023-10-01', { changeType: 'UpdateQuantity', quantity: -1, startDate: '2023-10-01' }],
      ['2023-12-01', { changeType: 'Cancel', cancellationDate: '2024-02-01' }],
    ]);
    // by hand (US30360, F = months from 06-22, capped at 12): +2 from 08-01 adds 19.80 × (12 − 1.3) = 211.86,
    // T 568.26, tax 58.25 − 36.53; −1 from 10-01 removes 9.90 × 8.7 = 86.13, T 482.13, tax 49.42 − 58.25;
    // the cancel from 02-01 removes 39.60 × 4.7 = 186.12, T 296.01, tax 30.34 − 49.42
    expect(seen).toEqual([21.72, -8.83, -19.08]);
  });

  it('AdjustPrice, UpdateTerm, Renew and CoTerm follow the same rule', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const o = await order('Taxed terms', california);
    await changeInTurn(o.subscriptions[0].name, { total: new Dec('356.4'), taxes: new Dec('36.53') }, [
      ['2023-07-10', { changeType: 'AdjustPrice', netSalesPrice: 11.37, startDate: '2023-07-10' }],
      ['2023-08-01', { changeType: 'UpdateTerm', term: 3 }],
      ['2023-09-01', { changeType: 'Renew', renewalTerm: 12 }],
      ['2023-10-01', { changeType: 'CoTerm', coTermDate: '2025-01-31' }],
    ]);
  });

  it('no tax address: AddressMissing, no rate for it: NoRate — tax 0, never a silent fallback to the asset’s old ratio', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const taxed = await order('Moves away', california);
    const none = await order('No address');
    expect(none.order.taxStatus).toBe('AddressMissing');
    // the customer's only contact moves to a country without a rate
    const [contact] = (await sql<{ id: string }>`select id from contacts where tenant_id = ${s.f.tenant.id} and customer_id = ${taxed.order.customerId}`.execute(s.t.rt.database.db)).rows;
    expect((await call('PATCH', `/orders/contacts/${contact!.id}`, { billingCountry: 'Atlantis', billingState: null })).statusCode).toBeLessThan(300);
    await call('POST', '/test/clock', { today: '2023-08-01' });
    for (const [o, status] of [[taxed, 'NoRate'], [none, 'AddressMissing']] as const) {
      const res = await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: o.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-08-01' }] });
      expect(res.statusCode, res.body).toBe(200);
      const co = res.json();
      expect(co.orderProducts.map((l: any) => [l.lineType, l.taxAmount, l.taxStatus, l.taxPercentage])).toEqual([['SummaryItem', 0, status, 0], ['LineItem', 0, status, 0]]);
      expect([co.order.taxAmount, co.order.taxStatus]).toEqual([0, status]);
    }
  });

  it('with blockAddressMissing a change order without a tax address is not activated (409, nothing written); its preview and its Draft are', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const none = await order('Blocked changes');
    const sub = none.subscriptions[0].name;
    const change = { assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-07-01' }] };
    expect((await call('PATCH', '/tenant', { settings: { blockAddressMissing: true } })).statusCode).toBe(200);
    const counts = async () => (await sql<{ orders: string; versions: string }>`select (select count(*) from orders where tenant_id = ${s.f.tenant.id}) as orders,
      (select count(*) from asset_versions where tenant_id = ${s.f.tenant.id}) as versions`.execute(s.t.rt.database.db)).rows[0];
    try {
      const before = await counts();
      const refused = await call('POST', '/orders/change-orders', { options: { activateInvoice: true }, ...change });
      expect([refused.statusCode, refused.json().errorCode]).toEqual([409, 'TAX_ADDRESS_MISSING']);
      expect(refused.json().message).toContain('blockAddressMissing');
      expect(await counts()).toEqual(before);
      const preview = await call('POST', '/cpq/change-order:preview', change);
      expect([preview.statusCode, preview.json().orderProducts.map((l: any) => l.taxStatus)]).toEqual([200, ['AddressMissing', 'AddressMissing']]);
      const cart = await call('POST', '/orders/change-orders', { options: { activateOrder: false }, ...change });
      expect([cart.statusCode, cart.json().order.status, cart.json().order.taxStatus]).toEqual([200, 'Draft', 'AddressMissing']);
      const activation = await call('POST', `/orders/${cart.json().order.id}:activate`, {});
      expect([activation.statusCode, activation.json().errorCode]).toEqual([409, 'TAX_ADDRESS_MISSING']);
      expect((await call('GET', `/orders/${cart.json().order.id}`)).json().order.status).toBe('Draft');
    } finally {
      expect((await call('PATCH', '/tenant', { settings: { blockAddressMissing: false } })).statusCode).toBe(200);
    }
  });

  it('an Inclusive product (the mode of the line that ordered it): each change line carves round(T·r/(100 + r)) differences out of its value', async () => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const inclusive = (taxMode: string) => call('PATCH', `/objects/Product/${s.f.ids.platform}`, { taxMode });
    expect((await inclusive('Inclusive')).statusCode).toBeLessThan(300);
    let o;
    try { o = await order('Inclusive changes', california); } finally { expect((await inclusive('Exclusive')).statusCode).toBeLessThan(300); }
    // 3 × 9.90 × 12 = 356.40 gross: tax round(356.40 × 10.25 / 110.25) = 33.13, net 323.27
    expect([o.order.totalPrice, o.order.taxAmount, o.order.totalAmount]).toEqual([323.27, 33.13, 356.4]);
    const carve = (t: Dec) => roundMoney(t.times(rate).dividedBy(rate.plus(100)), 'USD');
    let gross = new Dec('356.4');
    let taxes = new Dec('33.13');
    const seen: number[][] = [];
    for (const [today, change] of [
      ['2023-08-01', { changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-08-01' }],
      ['2023-10-01', { changeType: 'UpdateQuantity', quantity: -1, startDate: '2023-10-01' }],
    ] as const) {
      await call('POST', '/test/clock', { today });
      const res = await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: o.subscriptions[0].name, ...change }] });
      expect(res.statusCode, res.body).toBe(200);
      const line = res.json().orderProducts.find((l: { isChange: boolean }) => l.isChange);
      const delta = new Dec(String(line.totalAmount));
      const tax = carve(gross.plus(delta)).minus(carve(gross));
      expect([line.taxAmount, line.totalPrice, line.taxStatus]).toEqual([money(tax), money(delta.minus(tax)), 'Calculated']);
      gross = gross.plus(delta);
      taxes = taxes.plus(tax);
      expect(money(taxes)).toBe(money(carve(gross)));
      seen.push([line.totalAmount, line.taxAmount, line.totalPrice]);
    }
    // +2 from 08-01 adds 211.86 gross (T 568.26, tax 52.83 − 33.13); −1 from 10-01 removes 86.13 (T 482.13, tax 44.82 − 52.83)
    expect(seen).toEqual([[211.86, 19.7, 192.16], [-86.13, -8.01, -78.12]]);
  });
});
