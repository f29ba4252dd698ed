import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/http/route-config.js';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';
import { ROOTS, entityOf, selection } from '../support/graphql-selection.js';

// The organisation scope as an attacker probes it (issue 15 part 1, DESIGN §3): a credential bound to
// customer OWN acts for OWN and its CHILD, never for a SIBLING or the PARENT. Generated from the route
// table: every route of scope class `organisation` needs a case below (a new route without one fails),
// and is sent with the targets of each of the four owners. Inside: the answer is no scope refusal.
// Outside: a read answers exactly what a target that does not exist answers (404), a write a 403
// OUTSIDE_ORGANISATION — and the database is unchanged (row counts and last-modified times).

type Owner = 'own' | 'child' | 'sibling' | 'parent';
interface Targets {
  customer: string; contact: string; order: string; subscription: string; assetNumber: string;
  invoice: string; paidInvoice: string; draftInvoice: string; canceledInvoice: string; payment: string; creditMemo: string; debitMemo: string;
  carts: string[]; job: string; usageSubscription: string;
}
interface Request { url: string; body?: unknown }
type Case = (x: Targets) => Request;

const start = '2023-06-22';
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
let scoped: Record<string, string>;
let targets: Record<Owner, Targets>;
let ghost: Targets;
let tables: { name: string; stamp: string | null }[];

const line = () => ({ productId: f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: start });
const change = (x: Targets) => ({ options: { activateOrder: false }, assetChanges: [{ assetNumber: x.assetNumber, changeType: 'UpdateQuantity', quantity: 3, startDate: '2023-07-01' }] });

/** Every organisation route's request, by `METHOD url` as the route table names it. */
const CASES: Record<string, Case> = {
  'POST /orders/customers': (x) => ({ url: '/orders/customers', body: [{ name: `under ${x.customer}`, parentCustomerId: x.customer }] }),
  'GET /orders/customers/:id': (x) => ({ url: `/orders/customers/${x.customer}` }),
  'PATCH /orders/customers/:id': (x) => ({ url: `/orders/customers/${x.customer}`, body: { name: 'renamed' } }),
  'POST /orders/customers/:id/contacts': (x) => ({ url: `/orders/customers/${x.customer}/contacts`, body: [{ firstName: 'N', lastName: 'C' }] }),
  'GET /orders/contacts/:id': (x) => ({ url: `/orders/contacts/${x.contact}` }),
  'PATCH /orders/contacts/:id': (x) => ({ url: `/orders/contacts/${x.contact}`, body: { firstName: 'Renamed' } }),
  'POST /orders': (x) => ({ url: '/orders', body: { options: { activateOrder: false }, customerId: x.customer, lines: [line()] } }),
  'GET /orders/:id': (x) => ({ url: `/orders/${x.order}` }),
  'POST /orders/:id': (x) => ({ url: `/orders/${x.carts[0]}`, body: { options: { activateOrder: false }, lines: [line()] } }),
  'POST /orders/:id/::activate': (x) => ({ url: `/orders/${x.carts[1]}:activate`, body: {} }),
  'POST /orders/:id/::cancel': (x) => ({ url: `/orders/${x.carts[2]}:cancel` }),
  'DELETE /orders': (x) => ({ url: '/orders', body: { orderIds: [x.carts[3]] } }),
  'POST /orders/invoices/::preview': (x) => ({ url: '/orders/invoices:preview', body: { customerId: x.customer, orderProducts: [line()] } }),
  'POST /cpq/create-order': (x) => ({ url: '/cpq/create-order', body: { customerId: x.customer, effectiveDate: start, priceBookId: f.book.id, orderProducts: [line()], options: { activateOrder: false } } }),
  'POST /orders/change-orders': (x) => ({ url: '/orders/change-orders', body: change(x) }),
  'POST /change-orders': (x) => ({ url: '/change-orders', body: change(x) }),
  'POST /cpq/change-order': (x) => ({ url: '/cpq/change-order', body: change(x) }),
  'POST /cpq/change-order/::preview': (x) => ({ url: '/cpq/change-order:preview', body: change(x) }),
  'POST /cpq/change-order-in-bulk': (x) => ({ url: '/cpq/change-order-in-bulk', body: { assetChanges: [{ assetNumber: x.assetNumber, changeType: 'AdjustPrice', startDate: '2023-07-01', netSalesPrice: 5 }] } }),
  'GET /cpq/change-order-in-bulk/jobs/:jobId': (x) => ({ url: `/cpq/change-order-in-bulk/jobs/${x.job}` }),
  'GET /orders/subscriptions/:id': (x) => ({ url: `/orders/subscriptions/${x.subscription}` }),
  'PATCH /orders/subscriptions/:id': (x) => ({ url: `/orders/subscriptions/${x.subscription}`, body: { description: 'changed' } }),
  'POST /billing/invoices/::pay': (x) => ({ url: '/billing/invoices:pay', body: { payInvoices: [{ invoiceId: x.invoice, transactionAmount: 1 }] } }),
  'POST /billing/invoices/::refund': (x) => ({ url: '/billing/invoices:refund', body: { refundInvoices: [{ invoiceId: x.paidInvoice, transactionAmount: 1 }] } }),
  'POST /billing/invoices/::write-off': (x) => ({ url: '/billing/invoices:write-off', body: { writeOffInvoiceIds: [x.invoice] } }),
  'POST /billing/invoices/::cancel-payments': (x) => ({ url: '/billing/invoices:cancel-payments', body: { paymentIds: [x.payment] } }),
  'POST /billing/invoices/::async-cancel': (x) => ({ url: '/billing/invoices:async-cancel', body: { invoiceIds: [x.canceledInvoice] } }),
  'DELETE /billing/invoices/::async-delete': (x) => ({ url: '/billing/invoices:async-delete', body: { invoiceIds: [x.canceledInvoice] } }),
  'POST /billing/invoices/::transferToPayments': (x) => ({ url: '/billing/invoices:transferToPayments', body: { invoiceIds: [x.paidInvoice] } }),
  'POST /billing/invoices/::convert-payment-status': (x) => ({ url: '/billing/invoices:convert-payment-status', body: { convertPaymentStatuses: [{ id: x.invoice, paymentStatus: 'Transferred', reason: 'probe' }] } }),
  'GET /billing/invoices/:id/collection-attempts': (x) => ({ url: `/billing/invoices/${x.invoice}/collection-attempts` }),
  'GET /billing/invoices/:id/payment-status-changes': (x) => ({ url: `/billing/invoices/${x.invoice}/payment-status-changes` }),
  'POST /billing/credit-memos/::transferToPayments': (x) => ({ url: '/billing/credit-memos:transferToPayments', body: { creditMemoIds: [x.creditMemo] } }),
  'PATCH /billing/invoices/:id': (x) => ({ url: `/billing/invoices/${x.invoice}`, body: { description: 'probe' } }),
  'POST /billing/debit-memos': (x) => ({ url: '/billing/debit-memos', body: { debitMemo: { customerId: x.customer, amount: 5, reason: 'probe', startDate: '2023-06-01', endDate: '2023-06-30' } } }),
  'POST /billing/debit-memos/::update': (x) => ({ url: '/billing/debit-memos:update', body: { debitMemo: { id: x.debitMemo, customerId: x.customer, amount: 6, startDate: '2023-06-01', endDate: '2023-06-30' } } }),
  'POST /billing/debit-memos/::activate': (x) => ({ url: '/billing/debit-memos:activate', body: { debitMemoIds: [x.debitMemo] } }),
  'POST /billing/debit-memos/cancel': (x) => ({ url: '/billing/debit-memos/cancel', body: { debitMemoIds: [x.debitMemo] } }),
  'GET /billing/debit-memos/:id': (x) => ({ url: `/billing/debit-memos/${x.debitMemo}` }),
  'GET /billing/credits': (x) => ({ url: `/billing/credits?customerId=${x.customer}` }),
  'POST /billing/credit-memos': (x) => ({ url: '/billing/credit-memos', body: { customerId: x.customer, amount: 5, reason: 'probe' } }),
  'GET /billing/credit-memos/:id': (x) => ({ url: `/billing/credit-memos/${x.creditMemo}` }),
  'PATCH /billing/credit-memos/:id': (x) => ({ url: `/billing/credit-memos/${x.creditMemo}`, body: { reason: 'probe' } }),
  'GET /billing/credit-memos/:id/invoices': (x) => ({ url: `/billing/credit-memos/${x.creditMemo}/invoices` }),
  'GET /billing/credit-memos/:id/debit-memos': (x) => ({ url: `/billing/credit-memos/${x.creditMemo}/debit-memos` }),
  'GET /billing/invoices/:id/credit-memos': (x) => ({ url: `/billing/invoices/${x.invoice}/credit-memos` }),
  'POST /billing/credit-memos/::activate': (x) => ({ url: '/billing/credit-memos:activate', body: { creditMemoIds: [x.creditMemo] } }),
  'POST /billing/credit-memos/::apply': (x) => ({ url: '/billing/credit-memos:apply', body: { appliedInvoices: [{ creditMemoId: x.creditMemo, invoiceId: x.invoice, transactionAmount: 1 }] } }),
  'POST /billing/credit-memos/::unapply': (x) => ({ url: '/billing/credit-memos:unapply', body: { unappliedInvoices: [{ creditMemoId: x.creditMemo, invoiceId: x.invoice, transactionAmount: 1 }] } }),
  'POST /billing/credit-memos/::async-cancel': (x) => ({ url: '/billing/credit-memos:async-cancel', body: { creditMemoIds: [x.creditMemo] } }),
  'DELETE /billing/credit-memos/::async-delete': (x) => ({ url: '/billing/credit-memos:async-delete', body: { creditMemoIds: [x.creditMemo] } }),
  'GET /billing/invoices/:id/pdf/::generate': (x) => ({ url: `/billing/invoices/${x.paidInvoice}/pdf:generate` }),
  'GET /billing/invoices/:id': (x) => ({ url: `/billing/invoices/${x.invoice}` }),
  'POST /billing/invoices/::activate': (x) => ({ url: '/billing/invoices:activate', body: { invoiceIds: [x.draftInvoice] } }),
  'POST /usage/raw-usage': (x) => ({ url: '/usage/raw-usage', body: { data: [{ id: randomUUID(), subscriptionNumber: x.usageSubscription, timestamp: `${start}T12:00:00Z`, quantity: 1 }] } }),
  'POST /apiKeys': (x) => ({ url: '/apiKeys', body: { name: 'made inside', role: 'read-only', customerId: x.customer } }),
  'POST /apiClients': (x) => ({ url: '/apiClients', body: { name: 'made inside', role: 'read-only', customerId: x.customer } }),
};

/** Organisation routes whose answer concerns the caller itself, or whose rows do not exist yet: why each has no owner to vary. */
const NO_TARGET: Record<string, string> = {
  'GET /users/profile': 'the caller itself',
  'GET /users/functions': 'the caller itself',
  'POST /billing/credits/::convert': 'credits come from usage credit conversions (issue 17); lockCredit refuses outside the scope like every other target',
  'GET /billing/credits/:id': 'as above: no credit exists before usage is rated',
};
const GRAPHQL = /graphql$/;
const READS = new Set(['POST /orders/invoices/::preview', 'POST /cpq/change-order/::preview']);
const isRead = (key: string) => key.startsWith('GET ') || READS.has(key);

beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: start });
  const [parent] = await f.post('/orders/customers', [{ name: 'Parent' }]);
  const [own, sibling] = await f.post('/orders/customers', [{ name: 'Own', parentCustomerId: parent.id }, { name: 'Sibling', parentCustomerId: parent.id }]);
  const [child] = await f.post('/orders/customers', [{ name: 'Child', parentCustomerId: own.id }]);
  const client = await f.post('/apiClients', { name: 'own organisation', role: 'admin', customerId: own.id });
  const token = (await t.call('POST', '/oauth/token', { body: { client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'client_credentials' } })).json().access_token;
  scoped = { authorization: `Bearer ${token}` };
  await f.post('/objects/composite/ProductList', { persistentObjects: [{ referenceId: 'meter', content: {
    name: 'Metered', sku: 'METER', status: 'Active', priceModel: 'Usage', uomId: f.each.id, defaultSubscriptionTerm: 12, priceBookEntries: [{ priceBookId: f.book.id, uomId: f.each.id, currencyIsoCode: 'USD', listPrice: '0.1' }],
  } }] });
  const made = async (customerId: string, jobBy: Record<string, string>): Promise<Targets> => {
    const placed = await f.post('/orders', { options: { activateInvoice: true }, customerId, billToContact: { firstName: 'B', lastName: 'T', email: 'b@example.com' }, lines: [line()] });
    const paid = await f.post('/orders', { options: { activateInvoice: true }, customerId, lines: [line()] });
    const paidInvoice = paid.invoices[0].invoice.id;
    const payment = (await f.post('/billing/invoices:pay', { payInvoices: [{ invoiceId: paidInvoice, transactionAmount: 3 }] })).paymentApplications[0].paymentId;
    const draft = await f.post('/orders', { options: { generateInvoice: true }, customerId, lines: [line()] });
    const toCancel = await f.post('/orders', { options: { generateInvoice: true }, customerId, lines: [line()] });
    const carts = [];
    for (let i = 0; i < 4; i++) carts.push((await f.post('/orders', { options: { activateOrder: false }, customerId, lines: [line()] })).order.id);
    const sub = placed.subscriptions[0];
    const bulk = await t.call('POST', '/cpq/change-order-in-bulk', { body: { assetChanges: [{ assetNumber: sub.name, changeType: 'AdjustPrice', startDate: '2023-07-01', netSalesPrice: 5 }] }, headers: jobBy });
    expect(bulk.statusCode, bulk.body).toBe(202);
    return {
      customer: customerId, contact: placed.order.billToContactId, order: placed.order.id, subscription: sub.id, assetNumber: sub.name,
      invoice: placed.invoices[0].invoice.id, paidInvoice, draftInvoice: draft.invoices[0].invoice.id, canceledInvoice: toCancel.invoices[0].invoice.id, payment,
      creditMemo: (await f.post('/billing/credit-memos', { customerId, amount: 5, reason: 'x' })).id,
      debitMemo: (await f.post('/billing/debit-memos', { debitMemo: { customerId, amount: 5, reason: 'x', startDate: '2023-06-01', endDate: '2023-06-30' } })).id,
      carts, job: bulk.json().jobId,
      usageSubscription: (await f.post('/orders', { options: { activateOrder: true }, customerId, lines: [{ sku: 'METER', quantity: 1 }] })).subscriptions[0].name,
    };
  };
  // the organisation's own jobs are made by its credential, the others' by the tenant
  targets = { own: await made(own.id, scoped), child: await made(child.id, scoped), sibling: await made(sibling.id, f.h), parent: await made(parent.id, f.h) };
  const none = () => randomUUID();
  ghost = { customer: none(), contact: none(), order: none(), subscription: none(), assetNumber: 'SUB-999999', invoice: none(), paidInvoice: none(), draftInvoice: none(), canceledInvoice: none(), payment: none(), creditMemo: none(), debitMemo: none(), carts: [none(), none(), none(), none()], job: none(), usageSubscription: 'SUB-999998' };
  tables = (await sql<{ name: string; stamp: string | null }>`select c.table_name as name,
      (select column_name from information_schema.columns u where u.table_schema = c.table_schema and u.table_name = c.table_name and u.column_name in ('updated_at', 'last_modified_at') limit 1) as stamp
    from information_schema.columns c where c.column_name = 'tenant_id' and c.table_schema = current_schema()`.execute(t.rt.database.db)).rows
    // job_schedules: each tenant's day-boundary schedule, which any process's upkeep job may write at any moment
    .filter((r) => !['idempotency_keys', 'login_history', 'job_schedules'].includes(r.name));
}, 120_000);
afterAll(() => t.close());

/** What the tenant holds: each table's rows and latest change. */
async function fingerprint(): Promise<string> {
  const parts = tables.map((x) => sql`select ${x.name}::text as t, count(*)::text as n, ${x.stamp ? sql`max(${sql.ref(x.stamp)})::text` : sql`''`} as m from ${sql.table(x.name)} where tenant_id = ${f.tenant.id}`);
  const r = await sql<{ t: string; n: string; m: string | null }>`${sql.join(parts, sql` union all `)}`.execute(t.rt.database.db);
  return r.rows.map((x) => `${x.t}:${x.n}:${x.m ?? ''}`).sort().join('\n');
}

const send = (route: RouteEntry, req: Request) => t.call(route.method as 'POST', req.url, { headers: scoped, ...(req.body !== undefined && { body: req.body }) });
const keyOf = (r: RouteEntry) => `${r.method} ${r.url}`;

describe('organisation scope matrix (generated from the route table)', () => {
  it('every organisation route × a target owned by {own, child, sibling, parent}: inside served, outside refused before anything is written', async () => {
    const routes = t.rt.app.routeTable.filter((r) => r.config.scope === 'organisation' && !GRAPHQL.test(r.url));
    const missing = routes.map(keyOf).filter((k) => !CASES[k] && !NO_TARGET[k]);
    expect(missing, 'organisation routes with no case in the scope matrix').toEqual([]);
    let cases = 0;
    // outside first (refused: nothing changes), then inside (served: the fixture changes)
    for (const owner of ['sibling', 'parent', 'own', 'child'] as const) {
      for (const route of routes) {
        const key = keyOf(route);
        const make = CASES[key];
        if (!make) continue;
        cases++;
        const req = make(targets[owner]);
        // background work a served request started (a bulk job) ends first: it is not this request's
        if (owner === 'sibling' || owner === 'parent') await t.rt.jobs.runUntilIdle({ tenantId: f.tenant.id });
        const before = owner === 'sibling' || owner === 'parent' ? await fingerprint() : '';
        const res = await send(route, req);
        const said = `${owner}: ${key} ${req.url} → ${res.statusCode} ${res.body.slice(0, 240)}`;
        expect(res.statusCode, said).toBeLessThan(500);
        const code = res.statusCode >= 400 ? res.json().errorCode : null;
        if (owner === 'own' || owner === 'child') {
          expect(res.statusCode === 404 || code === 'OUTSIDE_ORGANISATION' || code === 'TENANT_WIDE_ROUTE', said).toBe(false);
          continue;
        }
        if (isRead(key)) {
          // indistinguishable from a target that does not exist
          const none = await send(route, make(ghost));
          expect([res.statusCode, code], said).toEqual([none.statusCode, none.statusCode >= 400 ? none.json().errorCode : null]);
          if (res.statusCode < 300) expect(Object.values(targets[owner]).flat().filter((id) => res.body.includes(id)), said).toEqual([]);
        } else {
          expect([res.statusCode, code], said).toEqual([403, 'OUTSIDE_ORGANISATION']);
        }
        expect(await fingerprint(), `${said}: the database changed`).toBe(before);
      }
    }
    console.log(`scope matrix: ${cases} cases over ${routes.length} organisation routes (${Object.keys(NO_TARGET).length} without an owner: ${Object.keys(NO_TARGET).join('; ')})`);
    expect(cases).toBeGreaterThan(200);
  }, 300_000);

  it('every GraphQL root, with its relations, answers the organisation\'s rows only', async () => {
    const outside = [...Object.values(targets.sibling), ...Object.values(targets.parent)].flat();
    const inside = [targets.own.customer, targets.child.customer];
    let seen = 0;
    for (const path of ['/async/graphql', '/orders/async/graphql', '/usage/async/graphql', '/revenue/async/graphql']) {
      for (const root of ROOTS) {
        const res = await t.call('POST', path, { body: { query: `{ ${root}(limit: 500) { ${selection(entityOf(root), 1)} } }` }, headers: scoped });
        expect(res.statusCode, `${path} ${root} → ${res.body.slice(0, 300)}`).toBe(200);
        expect(res.json().errors, `${path} ${root}`).toBeUndefined();
        // own's record names its parent (as its REST answer does); no row of the parent's is shown
        const body = res.body.replaceAll(`"parentCustomerId":"${targets.parent.customer}"`, '');
        expect(outside.filter((id) => body.includes(id)), `${path} ${root} shows another organisation's rows`).toEqual([]);
        seen += res.json().data[root].length;
      }
    }
    const customers = (await t.call('POST', '/async/graphql', { body: { query: '{ Customer { id } }' }, headers: scoped })).json().data.Customer.map((c: { id: string }) => c.id);
    // own, child, and the customers the matrix made under them
    expect(customers).toEqual(expect.arrayContaining(inside));
    expect(seen).toBeGreaterThan(100);
  });

  it('every tenant-wide route refuses the organisation\'s credential with 403 TENANT_WIDE_ROUTE, before it reads or writes', async () => {
    const routes = t.rt.app.routeTable.filter((r) => r.config.scope === 'tenant');
    expect(routes.length).toBeGreaterThan(40);
    const before = await fingerprint();
    for (const route of routes) {
      const res = await t.call(route.method as 'POST', route.url.replace('/::', ':').replace(/\/:(\w+)/g, () => `/${randomUUID()}`), { headers: scoped, ...(route.method !== 'GET' && { body: {} }) });
      expect([res.statusCode, res.json().errorCode], `${keyOf(route)} → ${res.body}`).toEqual([403, 'TENANT_WIDE_ROUTE']);
    }
    expect(await fingerprint()).toBe(before);
  });

  it('every route of the table declares its scope class', () => {
    const undeclared = t.rt.app.routeTable.filter((r) => (r.config.auth ?? 'tenant') === 'tenant' && !r.config.scope).map(keyOf);
    expect(undeclared).toEqual([]);
    expect(t.rt.app.routeTable.filter((r) => r.config.scope === 'public-catalog').length).toBeGreaterThan(5);
  });
});
