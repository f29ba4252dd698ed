import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
});
afterAll(() => t.close());

const call = (method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = f.h) => t.call(method, url, { body, headers });
const newCustomer = (name = 'Buyer') => ({ customer: { name, email: `${name.toLowerCase()}@example.com` } });
const platformLine = (extra: Record<string, unknown> = {}) => ({ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22', ...extra });
async function counts() {
  const q = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${f.tenant.id}`.execute(t.rt.database.db)).rows[0]!.n);
  return { customers: await q('customers'), contacts: await q('contacts'), orders: await q('orders'), lines: await q('order_products'), assets: await q('asset_versions') };
}

describe('carts', () => {
  it('a cart is a priced Draft order: nothing is provisioned', async () => {
    const res = await call('POST', '/orders', { options: { activateOrder: false, previewInvoice: true }, ...newCustomer('Unknown'), name: 'Shopping Cart', priceBookId: f.book.id, billingCycle: 'Month', lines: [platformLine()] });
    expect(res.statusCode).toBe(200);
    const cart = res.json();
    expect(cart.order).toMatchObject({ status: 'Draft', name: 'Shopping Cart', totalPrice: 1188, billingPeriod: 'Month' });
    expect(cart.orderProducts[0]).toMatchObject({ status: 'Draft', quantity: 10, totalPrice: 1188, deltaCMRR: 99, billingPeriod: 'Month' });
    expect([cart.subscriptions, cart.invoices]).toEqual([[], []]);
    // the first invoice, previewed from the cart and not stored: 10 × 9.9 × 9/30
    expect(cart.previewInvoices).toHaveLength(1);
    const preview = cart.previewInvoices[0];
    expect(preview.invoice).toMatchObject({ name: null, status: 'Draft', taxStatus: 'NotCalculated', startDate: '2023-06-22', endDate: '2023-06-30', amountWithoutTax: 29.7, amount: 29.7, invoiceDate: '2023-06-22', dueDate: '2023-07-22' });
    expect(preview.items.map((i: any) => [i.assetId, i.transactionQuantity, i.transactionAmount, i.details[0].detailType])).toEqual([[`${f.ids.platform}_preview`, 10, 29.7, 'Committed']]);
    const customer = (await call('GET', `/orders/customers/${cart.order.customerId}`)).json();
    expect(customer.type).toBe('Prospect');
  });

  it('updating a Draft replaces its lines and reprices; activating provisions; activating again is a 409', async () => {
    const cart = (await call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('Updater'), lines: [platformLine()] })).json();
    const updated = (await call('POST', `/orders/${cart.order.id}`, { options: { activateOrder: false }, lines: [platformLine({ quantity: 2, subscriptionTerm: 6 })] })).json();
    expect(updated.order).toMatchObject({ id: cart.order.id, status: 'Draft', totalPrice: 118.8, orderNumber: cart.order.orderNumber });
    expect(updated.orderProducts.map((l: { quantity: number; subscriptionEndDate: string }) => [l.quantity, l.subscriptionEndDate])).toEqual([[2, '2023-12-21']]);
    const activated = await call('POST', `/orders/${cart.order.id}:activate`, { additionalFields: { poNumber: 'PO-7', description: 'signed' } });
    expect(activated.statusCode).toBe(200);
    expect(activated.json().order).toMatchObject({ status: 'Activated', poNumber: 'PO-7', description: 'signed' });
    expect(activated.json().subscriptions.map((s: { quantity: number; subscriptionEndDate: string }) => [s.quantity, s.subscriptionEndDate])).toEqual([[2, '2023-12-21']]);
    const again = await call('POST', `/orders/${cart.order.id}:activate`, {});
    expect([again.statusCode, again.json().errorCode]).toEqual([409, 'ORDER_NOT_DRAFT']);
    const edit = await call('POST', `/orders/${cart.order.id}`, { lines: [platformLine()] });
    expect(edit.statusCode).toBe(409);
    const bad = await call('POST', `/orders/${cart.order.id}:activate`, { additionalFields: { totalPrice: 1 } });
    expect(bad.statusCode).toBe(400);
  });

  it('repricing a Draft without lines keeps its lines', async () => {
    const cart = (await call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('Repricer'), lines: [platformLine({ quantity: 3 })] })).json();
    const repriced = (await call('POST', `/orders/${cart.order.id}`, { options: { activateOrder: false } })).json();
    expect(repriced.orderProducts.map((l: { quantity: number; totalPrice: number }) => [l.quantity, l.totalPrice])).toEqual([[3, 356.4]]);
  });
});

describe('placing orders', () => {
  it('provisions subscriptions, assets and entitlements by product type, bundles as children', async () => {
    const res = (await call('POST', '/orders', { ...newCustomer('Mixed'), priceBookId: f.book.id, lines: [
      { productId: f.ids.bundle, quantity: 5, subscriptionTerm: 12, subscriptionStartDate: '2023-07-01', addOns: [{ productOptionId: (await optionIds()).key, quantity: 2 }] },
      { productId: f.ids.key, quantity: 3 },
    ] })).json();
    const lines = res.orderProducts as Record<string, any>[];
    expect(lines.map((l) => [l.sku, l.level, l.quantity, l.totalPrice, l.bundled])).toEqual([
      ['GROWTH', 1, 5, 1740, false], ['ONBOARD', 2, 4, 0, true], ['KEY', 2, 2, 98, false], ['KEY', 1, 3, 147, false],
    ]);
    expect(lines[1]!.parentId).toBe(lines[0]!.id);
    expect(lines[1]!.rootId).toBe(lines[0]!.id);
    expect(res.order.totalPrice).toBe(1985);
    expect(res.subscriptions.map((s: any) => [s.name, s.subscriptionLevel, s.subscriptionStartDate, s.subscriptionEndDate])).toEqual([[expect.stringMatching(/^SUB-\d{6}$/), 1, '2023-07-01', '2024-06-30']]);
    expect(res.entitlements.map((e: any) => [e.entitlementNumber.slice(0, 4), e.entitlementLevel, e.parentId, e.rootId, e.quantity])).toEqual([['ENT-', 2, res.subscriptions[0].id, res.subscriptions[0].id, 4]]);
    // top-level first, then children
    expect(res.assets.map((a: any) => [a.assetNumber.slice(0, 4), a.assetLevel, a.quantity, a.totalPrice])).toEqual([['AST-', 1, 3, 147], ['AST-', 2, 2, 98]]);
    expect([res.assets[0].parentId, res.assets[1].parentId]).toEqual([null, res.subscriptions[0].id]);
  });

  it('an existing customer by id, with a new contact; the customer\'s currency is fixed by its first order', async () => {
    const [c] = (await call('POST', '/orders/customers', [{ name: 'Known' }])).json();
    const res = (await call('POST', '/orders', { customerId: c.id, billToContact: { firstName: 'Kim', lastName: 'Lee' }, lines: [platformLine({ quantity: 1 })] })).json();
    expect(res.order.customerId).toBe(c.id);
    const after = (await call('GET', `/orders/customers/${c.id}`)).json();
    expect([after.type, after.currencyIsoCode, after.contacts.map((x: any) => x.name)]).toEqual(['Direct Customer', 'USD', ['Kim Lee']]);
    const eur = await call('POST', '/orders', { customerId: c.id, currencyIsoCode: 'EUR', lines: [platformLine()] });
    expect([eur.statusCode, eur.json().errorCode]).toEqual([400, 'CURRENCY_MISMATCH']);
  });

  it('cancel: a Draft or an Activated order; what it provisioned is canceled; delete Drafts and allowed Canceled orders', async () => {
    const placed = (await call('POST', '/orders', { ...newCustomer('Canceler'), lines: [platformLine({ quantity: 1 })] })).json();
    const canceled = (await call('POST', `/orders/${placed.order.id}:cancel`)).json();
    expect(canceled.order.status).toBe('Canceled');
    expect(canceled.subscriptions.map((s: any) => s.status)).toEqual(['Canceled']);
    expect((await call('POST', `/orders/${placed.order.id}:cancel`)).statusCode).toBe(409);
    const refused = await call('DELETE', '/orders', { orderIds: [placed.order.id] });
    expect([refused.statusCode, refused.json().errorCode]).toEqual([409, 'ORDER_NOT_DELETABLE']);
    const cart = (await call('POST', '/orders', { options: { activateOrder: false }, ...newCustomer('Deleter'), lines: [platformLine()] })).json();
    const deleted = await call('DELETE', '/orders', { orderIds: [cart.order.id, placed.order.id], allowDeleteCanceledOrder: true });
    expect(deleted.json()).toEqual({ deletedOrderIds: [cart.order.id, placed.order.id] });
    expect((await call('GET', `/orders/${cart.order.id}`)).statusCode).toBe(404);
    const active = (await call('POST', '/orders', { ...newCustomer('Keeper'), lines: [platformLine({ quantity: 1 })] })).json();
    expect((await call('DELETE', '/orders', { orderIds: [active.order.id], allowDeleteCanceledOrder: true })).statusCode).toBe(409);
  });

  it('POST /cpq/create-order needs customerId, effectiveDate, priceBookId and orderProducts', async () => {
    const [c] = (await call('POST', '/orders/customers', [{ name: 'Cpq' }])).json();
    const missing = await call('POST', '/cpq/create-order', { customerId: c.id, orderProducts: [] });
    expect([missing.statusCode, missing.json().message]).toEqual([400, 'body/effectiveDate is required']);
    const res = await call('POST', '/cpq/create-order', { customerId: c.id, effectiveDate: '2023-06-22', priceBookId: f.book.id, orderProducts: [platformLine({ quantity: 2 })] });
    expect(res.json().order).toMatchObject({ status: 'Activated', totalPrice: 237.6 });
  });

  it('patches a subscription\'s descriptive fields only', async () => {
    const placed = (await call('POST', '/orders', { ...newCustomer('Describer'), lines: [platformLine({ quantity: 1 })] })).json();
    const id = placed.subscriptions[0].id;
    const res = await call('PATCH', `/orders/subscriptions/${id}`, { description: 'Main seats', customFields: { team__c: 'ops' } });
    expect(res.json()).toMatchObject({ description: 'Main seats', customFields: { team__c: 'ops' }, quantity: 1 });
    const refused = await call('PATCH', `/orders/subscriptions/${id}`, { quantity: 5 });
    expect([refused.statusCode, refused.json().errorCode]).toEqual([400, 'READ_ONLY_FIELD']);
  });
});

describe('bad input', () => {
  const cases: [string, () => Promise<Record<string, unknown>>, number, string][] = [
    ['unknown product', async () => ({ ...newCustomer(), lines: [{ productId: '00000000-0000-4000-8000-000000000000' }] }), 400, 'PRODUCT_NOT_AVAILABLE'],
    ['inactive product', async () => ({ ...newCustomer(), lines: [{ productId: f.ids.draft }] }), 400, 'PRODUCT_NOT_ACTIVE'],
    ['entry of another product', async () => ({ ...newCustomer(), lines: [platformLine({ priceBookEntryId: (await entryOf(f.ids.key)) })] }), 400, 'ENTRY_NOT_IN_PRICE_BOOK'],
    ['entry not in the order\'s price book', async () => ({ ...newCustomer(), priceBookId: '00000000-0000-4000-8000-000000000000', lines: [platformLine()] }), 400, 'ENTRY_NOT_IN_PRICE_BOOK'],
    ['currency mismatch', async () => ({ ...newCustomer(), currencyIsoCode: 'EUR', lines: [platformLine()] }), 400, 'CURRENCY_MISMATCH'],
    ['non-positive term', async () => ({ ...newCustomer(), lines: [platformLine({ subscriptionTerm: 0 })] }), 400, 'INVALID_FIELD'],
    ['zero quantity', async () => ({ ...newCustomer(), lines: [platformLine({ quantity: 0 })] }), 400, 'INVALID_FIELD'],
    ['option quantity above its max', async () => ({ ...newCustomer(), lines: [{ productId: f.ids.bundle, addOns: [{ productOptionId: (await optionIds()).key, quantity: 11 }] }] }), 400, 'OPTION_QUANTITY_OUT_OF_RANGE'],
    ['unknown option', async () => ({ ...newCustomer(), lines: [{ productId: f.ids.bundle, addOns: [{ productOptionId: '00000000-0000-4000-8000-000000000000' }] }] }), 400, 'UNKNOWN_OPTION'],
    ['no customer', async () => ({ lines: [platformLine()] }), 400, 'CUSTOMER_REQUIRED'],
    ['a customer without a name', async () => ({ customer: { email: 'x@y.z' }, lines: [platformLine()] }), 400, 'INVALID_FIELD'],
    ['a bad contact date', async () => ({ ...newCustomer(), billToContact: { birthday: '1988-02-30' }, lines: [platformLine()] }), 400, 'INVALID_FIELD'],
    ['no lines', async () => ({ ...newCustomer(), lines: [] }), 400, 'INVALID_FIELD'],
    ['a change line on a new order', async () => ({ ...newCustomer(), lines: [platformLine({ lineType: 'SummaryItem' })] }), 400, 'INVALID_FIELD'],
    ['client prices without the permission', async () => ({ ...newCustomer(), options: { calculatePrice: false }, lines: [platformLine({ netSalesPrice: 1 })] }), 403, 'PERMISSION_DENIED'],
  ];
  it.each(cases)('%s, and nothing is written', async (_name, body, status, code) => {
    const before = await counts();
    const res = await call('POST', '/orders', await body(), withKey((await call('POST', '/apiKeys', { name: 'sales', role: 'sales' })).json().apiKey));
    expect([res.statusCode, res.json().errorCode]).toEqual([status, code]);
    expect(await counts()).toEqual(before);
  });

  it('a failure inside the transaction leaves no customer, contact, order or asset behind', async () => {
    const [c] = (await call('POST', '/orders/customers', [{ name: 'Euro buyer', currencyIsoCode: 'EUR' }])).json();
    const before = await counts();
    // priced in USD (the request says so), then refused at activation: the customer buys in EUR
    const res = await call('POST', '/orders', { customerId: c.id, currencyIsoCode: 'USD', billToContact: { firstName: 'New', lastName: 'Contact' }, lines: [platformLine()] });
    expect([res.statusCode, res.json().errorCode]).toEqual([400, 'CURRENCY_MISMATCH']);
    expect(await counts()).toEqual(before);
  });

  it('another tenant\'s orders are 404s', async () => {
    const placed = (await call('POST', '/orders', { ...newCustomer('Private'), lines: [platformLine({ quantity: 1 })] })).json();
    const other = withKey((await t.newTenant()).apiKey);
    expect((await call('GET', `/orders/${placed.order.id}`, undefined, other)).statusCode).toBe(404);
    expect((await call('POST', `/orders/${placed.order.id}:cancel`, undefined, other)).statusCode).toBe(404);
    expect((await call('GET', `/orders/subscriptions/${placed.subscriptions[0].id}`, undefined, other)).statusCode).toBe(404);
  });
});

describe('self-service', () => {
  it('a self-service key prices from the published catalog only', async () => {
    const key = (await call('POST', '/apiKeys', { name: 'store', role: 'self-service' })).json().apiKey;
    const unpublished = await call('POST', '/orders', { ...newCustomer('Shopper'), lines: [platformLine()] }, withKey(key));
    expect([unpublished.statusCode, unpublished.json().errorCode]).toEqual([400, 'PRODUCT_NOT_AVAILABLE']);
    await call('POST', `/catalog/products/${f.ids.platform}:publish`);
    const ok = await call('POST', '/orders', { ...newCustomer('Shopper'), lines: [platformLine({ quantity: 1 })] }, withKey(key));
    expect([ok.statusCode, ok.json().order.totalPrice]).toEqual([200, 118.8]);
    // an edit is not seen until republished
    const entry = await entryOf(f.ids.platform);
    await call('PATCH', `/objects/PriceBookEntry/${entry}`, { listPrice: 20 });
    const still = await call('POST', '/orders', { ...newCustomer('Shopper'), lines: [platformLine({ quantity: 1 })] }, withKey(key));
    expect(still.json().order.totalPrice).toBe(118.8);
    await call('PATCH', `/objects/PriceBookEntry/${entry}`, { listPrice: '9.90' });
    // bound to no customer, it reaches only the customer a request of it makes, in that request (as a
    // storefront's): not another customer's order, nor later its own (a bound key or a portal session does)
    const mine = ok.json();
    expect(mine.order.customerId).toBeTruthy();
    expect((await call('GET', `/orders/${mine.order.id}`, undefined, withKey(key))).statusCode).toBe(404);
    const placedElsewhere = await call('POST', '/orders', { ...newCustomer('Elsewhere'), lines: [platformLine({ quantity: 1 })] });
    expect(placedElsewhere.statusCode, placedElsewhere.body).toBe(200);
    const theirs = placedElsewhere.json();
    expect((await call('GET', `/orders/${theirs.order.id}`, undefined, withKey(key))).statusCode).toBe(404);
    expect((await call('GET', `/customers/${theirs.order.customerId}`, undefined, withKey(key))).statusCode).toBe(404);
    const cancel = await call('POST', `/orders/${theirs.order.id}:cancel`, undefined, withKey(key));
    expect([cancel.statusCode, cancel.json().errorCode]).toEqual([403, 'OUTSIDE_ORGANISATION']);
  });
});

async function optionIds(): Promise<{ key: string; onboarding: string }> {
  const def = (await call('GET', `/objects/Product/${f.ids.bundle}/bundleDefinition`)).json();
  const find = (sku: string) => def.productOptions.find((o: any) => o.product.sku === sku).id;
  return { key: find('KEY'), onboarding: find('ONBOARD') };
}
async function entryOf(productId: string): Promise<string> {
  return (await call('GET', `/objects/Product/${productId}/bundleDefinition`)).json().priceBookEntries[0].id;
}

describe('customer roll-ups', () => {
  it('todayCMRR/ARR add up the subscriptions in force today; totalTCV every order; canceled ones drop out', async () => {
    const [c] = (await call('POST', '/orders/customers', [{ name: 'Rolling' }])).json();
    await call('POST', '/orders', { customerId: c.id, lines: [platformLine({ quantity: 2 })] });                     // 19.8 a month from today
    await call('POST', '/orders', { customerId: c.id, lines: [platformLine({ quantity: 1, subscriptionStartDate: '2023-09-01' })] }); // not yet in force
    const third = (await call('POST', '/orders', { customerId: c.id, lines: [platformLine({ quantity: 1 })] })).json();
    let after = (await call('GET', `/orders/customers/${c.id}`)).json();
    expect([after.todayCMRR, after.todayARR, after.totalTCV]).toEqual([29.7, 356.4, 475.2]);
    await call('POST', `/orders/${third.order.id}:cancel`);
    after = (await call('GET', `/orders/customers/${c.id}`)).json();
    expect([after.todayCMRR, after.todayARR, after.totalTCV]).toEqual([19.8, 237.6, 356.4]);
  });
});
