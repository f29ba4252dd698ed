import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/money.js';
import { combinedTaxStatus, resolveTaxAddress, taxRateFor, type TaxRate } from '../../src/tax/tax.js';
import { retaxLines, taxedTotals } from '../../src/orders/lines.js';
import type { OrderLine } from '../../src/orders/model.js';
import { orderSuite } from '../orders/support.js';

// DESIGN "Tax": the tax address falls back (the order's bill-to contact, the customer's primary
// bill-to contact, the contact its first activated order used, the customer's billing address), and
// taxStatus says how a tax came about — never a silent 0. One 12-month line at 9.90: totalPrice
// 118.80; Washington taxes 10.25% → 12.18 (12.177 rounded); the first invoice (06-22..06-30, 9/30 of
// a month) bills 2.97 and, by the cumulative rule, 0.30 of tax (12.18 × 0.3 / 12 = 0.3045).

const WA = { billingCountry: 'United States', billingState: 'Washington' };
const OREGON = { billingCountry: 'United States', billingState: 'Oregon' };

describe('tax address and status, pure', () => {
  const rates: TaxRate[] = [{ id: 'wa', name: null, country: 'US', state: 'WA', taxCode: null, rate: new Dec('10.25') }];
  it('the first address that names a country resolves', () => {
    expect(resolveTaxAddress([null, { country: ' ', state: 'WA' }, { country: 'US', state: null }, { country: 'US', state: 'WA' }])).toEqual({ country: 'US', state: null });
    expect(resolveTaxAddress([undefined, { country: null, state: 'WA' }])).toBeNull();
  });
  it('a rate and its status', () => {
    const base: Parameters<typeof taxRateFor>[0] = { enabled: true, exempt: false, rates, address: { country: 'US', state: 'WA' }, taxCode: null };
    const of = (x: Partial<typeof base> & { override?: Dec }) => { const r = taxRateFor({ ...base, ...x }); return [r.rate.toString(), r.status]; };
    expect(of({})).toEqual(['10.25', 'Calculated']);
    expect(of({ address: { country: 'US', state: 'OR' } })).toEqual(['0', 'NoRate']);
    expect(of({ address: null })).toEqual(['0', 'AddressMissing']);
    expect(of({ address: null, rates: [] })).toEqual(['0', 'Calculated']);
    expect(of({ address: null, override: new Dec(7) })).toEqual(['7', 'Calculated']);
    expect(of({ exempt: true })).toEqual(['0', 'Calculated']);
    expect(of({ enabled: false })).toEqual(['0', 'NotCalculated']);
  });
  it('a Draft taxed again: only its AddressMissing lines, Exclusive on top, Inclusive carved out; totals follow', () => {
    const l = (id: string, taxMode: string, taxStatus: string, taxAmount = '0') => ({ id, taxMode, taxStatus, taxCode: null, totalPrice: '118.8', taxAmount, totalAmount: '118.8', taxPercentage: '0', deltaTCV: '118.8' }) as unknown as OrderLine;
    const out = retaxLines([l('a', 'Exclusive', 'AddressMissing'), l('b', 'Inclusive', 'AddressMissing'), l('c', 'Exclusive', 'Calculated', '11.88')], { rates, address: { country: 'us', state: 'wa' }, exempt: false, currency: 'USD' });
    expect(out.map((x) => [x.taxStatus, x.taxPercentage, x.taxAmount, x.totalPrice, x.totalAmount, x.deltaTCV])).toEqual([
      ['Calculated', '10.25', '12.18', '118.8', '130.98', '118.8'],
      ['Calculated', '10.25', '11.04', '107.76', '118.8', '107.76'], // 118.80 × 10.25 / 110.25 = 11.0449
      ['Calculated', '0', '11.88', '118.8', '118.8', '118.8'],
    ]);
    expect(taxedTotals(out)).toEqual({ totalPrice: '345.36', taxAmount: '35.1', totalAmount: '368.58', orderTCV: '345.36', taxStatus: 'Calculated' });
    expect(retaxLines([l('d', 'Exclusive', 'AddressMissing')], { rates, address: { country: 'US', state: 'OR' }, exempt: false, currency: 'USD' })[0]!.taxStatus).toBe('NoRate');
  });

  it('several statuses: the most telling one', () => {
    expect(combinedTaxStatus(['Calculated', 'NoRate', 'Calculated'])).toBe('NoRate');
    expect(combinedTaxStatus(['NoRate', 'AddressMissing'])).toBe('AddressMissing');
    expect(combinedTaxStatus([])).toBe('Calculated');
  });
});

const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const ok = async (method: 'POST' | 'GET' | 'PATCH', url: string, body?: unknown) => {
  const res = await call(method, url, body);
  expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
};
const line = () => [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }];
const order = (body: Record<string, unknown>) => ok('POST', '/orders', { options: { activateInvoice: true }, lines: line(), ...body });
let rated = false;
async function withRates() {
  if (rated) return;
  rated = true;
  await ok('POST', '/tax/rates', { country: 'United States', state: 'Washington', taxPercentage: 10.25 });
}
/** The order, its lines' and its invoices' tax figures as the answer shows them. */
const figures = (o: any) => ({
  taxStatus: o.order.taxStatus, taxAmount: o.order.taxAmount, totalAmount: o.order.totalAmount,
  lines: o.orderProducts.map((l: any) => [l.taxStatus, l.taxPercentage, l.taxAmount]),
  invoices: o.invoices.map((i: any) => [i.invoice.taxStatus, i.invoice.taxAmount, i.invoice.amount]),
});
const TAXED = { taxStatus: 'Calculated', taxAmount: 12.18, totalAmount: 130.98, lines: [['Calculated', 10.25, 12.18]], invoices: [['Calculated', 0.3, 3.27]] };
const rowCount = async (table: 'orders' | 'customers' | 'contacts' | 'invoices') =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${s.f.tenant.id}`.execute(s.t.rt.database.db)).rows[0]!.n);

describe('the tax address falls back', () => {
  it('a repeat order without billToContact is taxed at the contact the first activated order used', async () => {
    await withRates();
    // two contacts, none primary: the first order's bill-to contact decides, before the customer's own address (Oregon: no rate)
    const first = await order({ customer: { name: 'Repeat', ...OREGON, contacts: [{ lastName: 'Office', ...OREGON }] }, billToContact: { lastName: 'Payer', ...WA } });
    expect(figures(first)).toEqual(TAXED);
    const again = await order({ customerId: first.order.customerId });
    expect(again.order.billToContactId).toBeNull();
    expect(figures(again)).toEqual(TAXED);
  });

  it("a repeat order without billToContact is taxed at the customer's only contact (its primary bill-to contact)", async () => {
    await withRates();
    const [c] = await ok('POST', '/orders/customers', { name: 'One contact', contacts: [{ lastName: 'Sole', ...WA }] });
    const o = await order({ customerId: c.id });
    expect(o.order.billToContactId).toBeNull();
    expect(figures(o)).toEqual(TAXED);
  });

  it("the customer's primary bill-to contact (orderPrimaryContact) comes before its first order's contact", async () => {
    await withRates();
    const [c] = await ok('POST', '/orders/customers', { name: 'Primary', ...OREGON, contacts: [{ lastName: 'Oregon', ...OREGON }, { lastName: 'Washington', ...WA }] });
    const wa = c.contacts.find((x: any) => x.lastName === 'Washington');
    const or = c.contacts.find((x: any) => x.lastName === 'Oregon');
    // two contacts, no primary one, no orders: the customer's own address, which no rate matches
    const before = await order({ customerId: c.id });
    expect(figures(before)).toEqual({ taxStatus: 'NoRate', taxAmount: 0, totalAmount: 118.8, lines: [['NoRate', 0, 0]], invoices: [['NoRate', 0, 2.97]] });
    await ok('PATCH', `/orders/customers/${c.id}`, { orderPrimaryContact: wa.id });
    expect(figures(await order({ customerId: c.id }))).toEqual(TAXED);
    // the order's own bill-to contact comes first
    const own = await order({ customerId: c.id, billToContactId: or.id });
    expect([own.order.taxStatus, own.order.taxAmount, own.order.billToContactId]).toEqual(['NoRate', 0, or.id]);
  });

  it("a primary contact of another customer is ignored; the customer's own billing address is the last fallback", async () => {
    await withRates();
    const [other] = await ok('POST', '/orders/customers', { name: 'Other', contacts: [{ lastName: 'Elsewhere', ...WA }] });
    const [c] = await ok('POST', '/orders/customers', { name: 'Own address', ...WA, orderPrimaryContact: other.contacts[0].id });
    expect(figures(await order({ customerId: c.id }))).toEqual(TAXED);
    const [none] = await ok('POST', '/orders/customers', { name: 'No address', orderPrimaryContact: other.contacts[0].id });
    expect((await order({ customerId: none.id })).order).toMatchObject({ taxStatus: 'AddressMissing', taxAmount: 0 });
  });

  it('a bill-to contact without a country does not resolve: the next fallback does', async () => {
    await withRates();
    const o = await order({ customer: { name: 'Half', ...WA }, billToContact: { lastName: 'No country', billingState: 'Oregon' } });
    expect(figures(o)).toEqual(TAXED);
  });
});

describe('taxStatus', () => {
  it('AddressMissing: the tenant has rates and no address resolves — tax 0, activation allowed, order, lines and invoice say so (REST and GraphQL)', async () => {
    await withRates();
    const o = await order({ customer: { name: 'Nowhere' } });
    expect(o.order.status).toBe('Activated');
    expect(figures(o)).toEqual({ taxStatus: 'AddressMissing', taxAmount: 0, totalAmount: 118.8, lines: [['AddressMissing', 0, 0]], invoices: [['AddressMissing', 0, 2.97]] });
    const rest = await ok('GET', `/orders/${o.order.id}`);
    expect(rest.order.taxStatus).toBe('AddressMissing');
    expect((await ok('GET', `/billing/invoices/${o.invoices[0].invoice.id}`)).invoice.taxStatus).toBe('AddressMissing');
    const gql = await ok('POST', '/async/graphql', { query: `{ Order(where: {id: {_eq: "${o.order.id}"}}) { taxStatus orderProducts { taxStatus } invoices { taxStatus taxAmount } } }` });
    expect(gql.data.Order).toEqual([{ taxStatus: 'AddressMissing', orderProducts: [{ taxStatus: 'AddressMissing' }], invoices: [{ taxStatus: 'AddressMissing', taxAmount: 0 }] }]);
  });

  it('NoRate: an address resolves but no rate matches it', async () => {
    await withRates();
    const o = await order({ customer: { name: 'Abroad' }, billToContact: { lastName: 'Canada', billingCountry: 'Canada' } });
    expect(figures(o)).toEqual({ taxStatus: 'NoRate', taxAmount: 0, totalAmount: 118.8, lines: [['NoRate', 0, 0]], invoices: [['NoRate', 0, 2.97]] });
  });

  it('an exempt customer is Calculated at 0; calculateTax false is NotCalculated; a taxRates override needs no address', async () => {
    await withRates();
    expect(figures(await order({ customer: { name: 'Charity', taxExempt: true } }))).toMatchObject({ taxStatus: 'Calculated', taxAmount: 0, lines: [['Calculated', 0, 0]] });
    expect(figures(await order({ customer: { name: 'Untaxed' }, options: { activateInvoice: true, calculateTax: false } }))).toMatchObject({ taxStatus: 'NotCalculated', taxAmount: 0, invoices: [['NotCalculated', 0, 2.97]] });
    const cpq = await order({ customer: { name: 'CPQ' }, taxRates: [{ productSku: 'NUE-PLATFORM', taxPercentage: 10 }] });
    expect([cpq.order.taxStatus, cpq.order.taxAmount]).toEqual(['Calculated', 11.88]);
  });

  it('invoices of billing runs and change orders take the status of the order lines they bill', async () => {
    await withRates();
    const missing = await order({ customer: { name: 'Run, no address' } });
    const taxed = await order({ customer: { name: 'Run, taxed' }, billToContact: { lastName: 'WA', ...WA } });
    await ok('POST', '/test/clock', { today: '2023-07-01' });
    const run = async (customerId: string) => {
      const job = await ok('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: '2023-07-01', customerIds: [customerId], autoActivate: true });
      return (await ok('GET', `/billing/invoices/${job.invoiceIds[0]}`)).invoice;
    };
    expect(await run(missing.order.customerId)).toMatchObject({ taxStatus: 'AddressMissing', taxAmount: 0, amount: 9.9 });
    // July: 12.18 × 1.3/12 − 0.30 = 1.32 − 0.30 = 1.02
    expect(await run(taxed.order.customerId)).toMatchObject({ taxStatus: 'Calculated', taxAmount: 1.02, amount: 10.92 });
    // a change order: its status is the customer's address as it resolves now
    const co = await ok('POST', '/orders/change-orders', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: missing.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-07-01' }] });
    expect(co.order.taxStatus).toBe('AddressMissing');
    expect(co.invoices.map((i: any) => i.invoice.taxStatus)).toEqual(['AddressMissing']);
    await ok('POST', '/test/clock', { today: '2023-06-22' });
  });
});

describe('a Draft is taxed again when an address is set; blockAddressMissing', () => {
  it('POST /orders/{id} with a billToContact taxes the cart', async () => {
    await withRates();
    const cart = await ok('POST', '/orders', { options: { activateOrder: false }, customer: { name: 'Cart' }, lines: line() });
    expect([cart.order.status, cart.order.taxStatus, cart.order.taxAmount]).toEqual(['Draft', 'AddressMissing', 0]);
    const set = await ok('POST', `/orders/${cart.order.id}`, { options: { activateOrder: false }, billToContact: { lastName: 'Later', ...WA } });
    expect(figures(set)).toEqual({ ...TAXED, invoices: [] });
    expect(set.order.billToContactId).toEqual(expect.any(String));
    const placed = await ok('POST', `/orders/${cart.order.id}:activate`, { activateInvoice: true });
    expect(figures(placed)).toEqual(TAXED);
  });

  it('a PATCH of the customer’s address taxes the Draft at its activation', async () => {
    await withRates();
    const cart = await ok('POST', '/orders', { options: { activateOrder: false }, customer: { name: 'Patched' }, lines: line() });
    await ok('PATCH', `/orders/customers/${cart.order.customerId}`, WA);
    const placed = await ok('POST', `/orders/${cart.order.id}:activate`, { activateInvoice: true });
    expect(figures(placed)).toEqual(TAXED);
  });

  it('a PATCH of the bill-to contact’s address taxes the Draft at its activation', async () => {
    await withRates();
    const cart = await ok('POST', '/orders', { options: { activateOrder: false }, customer: { name: 'Contact patched' }, billToContact: { lastName: 'Blank' }, lines: line() });
    expect(cart.order.taxStatus).toBe('AddressMissing');
    await ok('PATCH', `/orders/contacts/${cart.order.billToContactId}`, WA);
    expect(figures(await ok('POST', `/orders/${cart.order.id}:activate`, { activateInvoice: true }))).toEqual(TAXED);
  });

  it('with blockAddressMissing activation is a 409 naming it, and nothing is written; the Draft activates once an address is set', async () => {
    await withRates();
    const bad = await call('PATCH', '/tenant', { settings: { blockAddressMissing: 'yes' } });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'body/settings/blockAddressMissing must be true or false']);
    await ok('PATCH', '/tenant', { settings: { blockAddressMissing: true } });
    try {
      const counts = async () => Promise.all((['orders', 'customers', 'contacts', 'invoices'] as const).map(rowCount));
      const before = await counts();
      const refused = await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'Blocked' }, lines: line() });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ errorCode: 'TAX_ADDRESS_MISSING', errorType: expect.any(String), title: expect.any(String) });
      expect(refused.json().message).toContain('blockAddressMissing');
      expect(await counts()).toEqual(before);
      // a cart is allowed; its activation is not, until an address resolves
      const cart = await ok('POST', '/orders', { options: { activateOrder: false }, customer: { name: 'Blocked cart' }, lines: line() });
      const again = await call('POST', `/orders/${cart.order.id}:activate`, {});
      expect([again.statusCode, again.json().errorCode]).toEqual([409, 'TAX_ADDRESS_MISSING']);
      const viaUpdate = await call('POST', `/orders/${cart.order.id}`, { options: { activateOrder: true } });
      expect([viaUpdate.statusCode, viaUpdate.json().errorCode]).toEqual([409, 'TAX_ADDRESS_MISSING']);
      expect((await ok('GET', `/orders/${cart.order.id}`)).order.status).toBe('Draft');
      const placed = await ok('POST', `/orders/${cart.order.id}`, { options: { activateOrder: true }, billToContact: { lastName: 'Found', ...WA } });
      expect([placed.order.status, placed.order.taxStatus, placed.order.taxAmount]).toEqual(['Activated', 'Calculated', 12.18]);
      // a resolved address with no rate is not blocked
      expect((await order({ customer: { name: 'Abroad, blocked tenant' }, billToContact: { billingCountry: 'Canada' } })).order.taxStatus).toBe('NoRate');
    } finally {
      await ok('PATCH', '/tenant', { settings: { blockAddressMissing: false } });
    }
  });

  it('bad input when setting an address is a 400 naming the field, and changes nothing', async () => {
    await withRates();
    const cart = await ok('POST', '/orders', { options: { activateOrder: false }, customer: { name: 'Bad input' }, lines: line() });
    const [stranger] = await ok('POST', '/orders/customers', { name: 'Stranger', contacts: [{ lastName: 'Not yours', ...WA }] });
    const contacts = await rowCount('contacts');
    for (const [body, code, field] of [
      [{ billToContact: { lastName: 'X', email: 'not an address', ...WA } }, 'INVALID_FIELD', 'body/billToContact/email'],
      [{ billToContactId: stranger.contacts[0].id }, 'CONTACT_NOT_OF_CUSTOMER', 'body/billToContactId'],
      [{ billToContact: 'Washington' }, 'INVALID_FIELD', 'body/billToContact'],
    ] as const) {
      const res = await call('POST', `/orders/${cart.order.id}`, { options: { activateOrder: false }, ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(Object.keys(res.json()).sort()).toEqual(['errorCode', 'errorType', 'message', 'title']);
      expect([res.json().errorCode, res.json().message]).toEqual([code, expect.stringContaining(field)]);
    }
    expect(await rowCount('contacts')).toBe(contacts);
    expect((await ok('GET', `/orders/${cart.order.id}`)).order).toMatchObject({ taxStatus: 'AddressMissing', billToContactId: null });
  });
});
