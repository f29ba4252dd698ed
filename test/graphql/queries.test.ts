import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { withKey } from '../support/app.js';
import { orderSuite } from '../orders/support.js';

// The GraphQL read model: the seed's example queries, relations both ways, versions, counts.
const s = orderSuite({ today: '2023-06-22' });
const gql = async (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
  const res = await s.t.call('POST', '/orders/async/graphql', { body: { query, variables }, headers: headers ?? s.f.h });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
let alice: string;
let bob: string;
const line = (productId: string, quantity: number, start = '2023-06-22') => ({ productId, quantity, subscriptionTerm: 12, subscriptionStartDate: start });
beforeAll(async () => {
  const place = async (body: Record<string, unknown>) => s.f.post('/orders', body);
  const a1 = await place({ options: { activateInvoice: true }, customer: { name: 'Alice Co' }, lines: [line(s.f.ids.platform, 3)] });
  alice = a1.order.customerId;
  await place({ options: { activateOrder: true }, customerId: alice, lines: [line(s.f.ids.platform, 1, '2023-07-01'), { productId: s.f.ids.key, quantity: 1 }] });
  await place({ options: { activateOrder: true }, customerId: alice, lines: [line(s.f.ids.platform, 1, '2023-06-25')] });
  await place({ options: { activateOrder: false }, customerId: alice, lines: [line(s.f.ids.platform, 9)] }); // a cart: not Activated
  bob = (await place({ options: { activateOrder: true }, customer: { name: 'Bob Ltd' }, lines: [line(s.f.ids.platform, 2)] })).order.customerId;
});

describe('the seed\'s example queries', () => {
  it('order history: Activated orders by activatedDate then totalAmount, with the customer\'s roll-ups', async () => {
    const r = await gql(`query { Order(where: {status: {_eq: "Activated"}}, orderBy: {activatedDate: asc, totalAmount: asc}) {
      orderNumber status activatedDate totalAmount orderTCV customerId customer { id name totalTCV todayARR todayCMRR }
      billingPeriod companyAuthorizedById nextInvoiceDate systemDiscount tax todayARR todayCMRR } }`);
    expect(r.errors).toBeUndefined();
    const orders = r.data.Order;
    const stored = (await sql<{ order_number: string; activated_date: Date; total_amount: string }>`select order_number, activated_date, total_amount from orders
      where tenant_id = ${s.f.tenant.id} and status = 'Activated' order by activated_date, total_amount`.execute(s.t.rt.database.db)).rows;
    expect(orders.map((o: any) => o.orderNumber)).toEqual(stored.map((o) => o.order_number));
    expect(orders).toHaveLength(4);
    const aliceRest = (await s.call('GET', `/orders/customers/${alice}`)).json();
    const first = orders.find((o: any) => o.customerId === alice);
    expect(first.customer).toEqual({ id: alice, name: 'Alice Co', totalTCV: aliceRest.totalTCV, todayARR: aliceRest.todayARR, todayCMRR: aliceRest.todayCMRR });
    expect(first.customer).toMatchObject({ totalTCV: 643, todayCMRR: 29.7, todayARR: 356.4 }); // 3×118.80 + 118.80 + 49 + 118.80; today only the first
    expect(first).toMatchObject({ status: 'Activated', companyAuthorizedById: null, nextInvoiceDate: null, systemDiscount: 0 });
    expect(first.activatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('a customer\'s active subscriptions by productId then subscriptionStartDate', async () => {
    const r = await gql(`query { Subscription(where: {_and: [{status: {_eq: "Active"}}, {customer: {id: {_eq: "${alice}"}}}]}, orderBy: {productId: asc, subscriptionStartDate: asc}) {
      actualSubscriptionTerm autoRenew billingPeriod billingTiming bundled cancellationDate createdById createdDate customerId id includedUnits lastModifiedById
      lastModifiedDate lastVersionedSubscriptionId latestVersionedSubscriptionId listPrice name orderOnDate orderProductId originalSubscriptionId priceBookEntryId
      priceBookId productId quantity reconfigureEffectiveDate renewalTerm rootId salesPrice status subscriptionEndDate subscriptionLevel subscriptionStartDate
      subscriptionTerm subscriptionVersion taxAmount tcv todayARR todayCMRR todaysQuantity totalACV totalAmount totalPrice totalTCV uomId } }`);
    expect(r.errors).toBeUndefined();
    const subs = r.data.Subscription;
    expect(subs.map((x: any) => [x.subscriptionStartDate, x.quantity])).toEqual([['2023-06-22', 3], ['2023-06-25', 1], ['2023-07-01', 1]]);
    expect(subs[0]).toMatchObject({ customerId: alice, subscriptionVersion: 1, subscriptionTerm: 12, tcv: 356.4, totalTCV: 356.4, todayCMRR: 29.7, todayARR: 356.4, todaysQuantity: 3, orderOnDate: null });
    expect(subs[0].latestVersionedSubscriptionId).toBe(subs[0].id);
    // the same rows REST shows
    const rest = (await s.call('GET', `/orders/subscriptions/${subs[0].id}`)).json();
    for (const k of ['name', 'quantity', 'tcv', 'totalTCV', 'todayCMRR', 'subscriptionEndDate', 'listPrice', 'renewalTerm']) expect(subs[0][k], k).toEqual(rest[k]);
  });

  it('the seed 000 lower-case roots and contacts\' zip codes', async () => {
    const r = await gql(`{ customer(where: {id: {_eq: "${alice}"}}) { createdById createdDate id lastModifiedById lastModifiedDate name phone }
      contact(limit: 1) { billingCity billingZipCode customerId email firstName id name } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.customer).toEqual([expect.objectContaining({ id: alice, name: 'Alice Co', createdById: null })]);
  });
});

describe('relations, versions, counts', () => {
  it('traverses both ways in one query', async () => {
    const r = await gql(`{ Customer(where: {name: {_eq: "Alice Co"}}) { name
        orders(where: {status: {_eq: "Activated"}}, orderBy: [{effectiveDate: asc}], limit: 2) { orderNumber orderProducts { productName quantity totalPrice } customer { name } }
        invoices { name amount items { assetNumber transactionAmount details { billedAmount } } invoice: customer { name } }
        subscriptions { name product { name sku } order { orderNumber } } } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data.Customer[0];
    expect(c.orders).toHaveLength(2);
    expect(c.orders[0].customer.name).toBe('Alice Co');
    expect(c.orders[0].orderProducts[0]).toMatchObject({ productName: 'Nue Platform', quantity: 3, totalPrice: 356.4 });
    expect(c.invoices[0]).toMatchObject({ amount: 8.91, items: [{ transactionAmount: 8.91, details: [{ billedAmount: 8.91 }] }], invoice: { name: 'Alice Co' } });
    expect(c.subscriptions.map((x: any) => x.product.sku)).toEqual(['NUE-PLATFORM', 'NUE-PLATFORM', 'NUE-PLATFORM']);
  });

  it('versioned objects answer the latest version unless where asks for versions; aggregate counts', async () => {
    const sub = (await gql(`{ Subscription(where: {customerId: {_eq: "${bob}"}}) { name } }`)).data.Subscription[0].name;
    await s.call('POST', '/orders/change-orders', { options: { activateOrder: true }, assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] });
    const latest = await gql(`{ Subscription(where: {name: {_eq: "${sub}"}}) { subscriptionVersion quantity isLatest } }`);
    expect(latest.data.Subscription).toEqual([{ subscriptionVersion: 2, quantity: 3, isLatest: true }]);
    const all = await gql(`{ Subscription(where: {name: {_eq: "${sub}"}, subscriptionVersion: {_gte: 1}}, orderBy: {subscriptionVersion: desc}) { subscriptionVersion isLatest } }`);
    expect(all.data.Subscription).toEqual([{ subscriptionVersion: 2, isLatest: true }, { subscriptionVersion: 1, isLatest: false }]);
    const counts = await gql(`{ Order_aggregate(where: {status: {_eq: "Activated"}}) { aggregate { count } } drafts: Order_aggregate(where: {status: {_eq: "Draft"}}) { aggregate { count } } }`);
    expect(counts.data).toEqual({ Order_aggregate: { aggregate: { count: 5 } }, drafts: { aggregate: { count: 1 } } });
  });

  it('unfiltered pages of subscriptions (chosen on the heads) are slices of the whole list, latest versions only', async () => {
    const all = (await gql('{ Subscription { name subscriptionVersion isLatest quantity } }')).data.Subscription;
    const stored = (await sql<{ asset_number: string; version: number; quantity: string }>`select v.asset_number, v.version, v.quantity from asset_heads h
      join asset_versions v on v.tenant_id = h.tenant_id and v.id = h.latest_id where h.tenant_id = ${s.f.tenant.id} and h.kind = 'Subscription' order by h.asset_number`.execute(s.t.rt.database.db)).rows;
    expect(all.map((x: any) => [x.name, x.subscriptionVersion, x.quantity])).toEqual(stored.map((r) => [r.asset_number, r.version, Number(r.quantity)]));
    expect(all.every((x: any) => x.isLatest)).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const [limit, offset] of [[2, 0], [2, 1], [3, 2], [10, 3], [1, all.length - 1], [5, all.length]]) {
      const page = await gql('query ($l: Int, $o: Int) { Subscription(limit: $l, offset: $o) { name subscriptionVersion } }', { l: limit, o: offset });
      expect(page.data.Subscription, `limit ${limit} offset ${offset}`).toEqual(all.slice(offset, offset + limit).map((x: any) => ({ name: x.name, subscriptionVersion: x.subscriptionVersion })));
    }
  });

  it('variables, aliases, fragments, offset and limit', async () => {
    const r = await gql(`query Q($n: String!, $lim: Int) { a: Order(where: {customer: {name: {_eq: $n}}}, orderBy: {orderNumber: asc}, limit: $lim, offset: 1) { ...O } }
      fragment O on Order { orderNumber __typename }`, { n: 'Alice Co', lim: 2 });
    expect(r.errors).toBeUndefined();
    expect(r.data.a).toHaveLength(2);
    expect(r.data.a[0].__typename).toBe('Order');
  });
});

describe('one statement', () => {
  it('a query with nested relations on every level runs as one SQL statement', async () => {
    const graphqlService = (await import('../../src/graphql/service.js')).createGraphqlService();
    let statements = 0;
    const ctx = await s.t.rt.tenancy.systemContext(s.f.tenant.id, 'test');
    const counted = { ...ctx, db: ctx.db.withPlugin({ transformQuery: (a) => { statements++; return a.node; }, transformResult: async (a) => a.result }) };
    const r = await graphqlService.execute(counted, { query: `{ Customer { name orders { orderNumber orderProducts { quantity product { name } } invoices { items { details { billedAmount } } } }
      subscriptions { name customer { name } } } Order_aggregate { aggregate { count } } Product { name priceBookEntries { listPrice } } }` });
    expect(r.errors).toBeUndefined();
    expect((r.data as any).Customer.length).toBeGreaterThan(1);
    expect(statements).toBe(1);
  });
});

describe('isolation', () => {
  it('another tenant sees none of this tenant\'s rows, whatever root it asks', async () => {
    const other = withKey((await s.t.newTenant({ sandbox: true })).apiKey);
    const roots = Object.keys((await import('../../src/graphql/schema.js')).SCHEMA.getQueryType()!.getFields()).filter((n) => !n.endsWith('_aggregate'));
    expect(roots.length).toBeGreaterThan(40);
    const query = `{ ${roots.map((n) => `${n} { id }`).join(' ')} }`;
    const mine = await gql(query);
    expect(mine.errors).toBeUndefined();
    expect(Object.values(mine.data).flat().length).toBeGreaterThan(20);
    const theirs = await gql(query, undefined, other);
    expect(theirs.errors).toBeUndefined();
    for (const n of roots) expect(theirs.data[n], n).toEqual([]);
  });

  it('a credential scoped to an organisation sees it and its descendants only', async () => {
    const child = (await s.f.post('/orders/customers', [{ name: 'Alice Subsidiary', parentCustomerId: alice }]))[0].id;
    await s.f.post('/orders', { options: { activateOrder: true }, customerId: child, lines: [line(s.f.ids.platform, 1)] });
    const client = (await s.call('POST', '/apiClients', { name: 'alice portal', role: 'self-service', customerId: alice })).json();
    const token = (await s.t.call('POST', '/oauth/token', { body: { client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'client_credentials' } })).json().access_token;
    const r = await gql('{ Order { customerId } Customer { id } Subscription { customerId } Invoice { customerId } BillingSchedule { id } Product(limit: 1) { id } page: Subscription(limit: 50, offset: 1) { customerId } }', undefined, { authorization: `Bearer ${token}` });
    expect(r.errors).toBeUndefined();
    expect(new Set(r.data.Order.map((o: any) => o.customerId))).toEqual(new Set([alice, child]));
    expect(r.data.Customer.map((c: any) => c.id).sort()).toEqual([alice, child].sort());
    expect(r.data.Subscription.every((x: any) => [alice, child].includes(x.customerId))).toBe(true);
    expect(r.data.page).toEqual(r.data.Subscription.slice(1));
    expect(r.data.BillingSchedule).toEqual([]);
    expect(r.data.Product).toHaveLength(1);
    // through a relation too: Bob's orders never show up under any customer
    const nested = await gql(`{ Order(where: {customer: {name: {_eq: "Bob Ltd"}}}) { id } }`, undefined, { authorization: `Bearer ${token}` });
    expect(nested.data.Order).toEqual([]);
  });
});
