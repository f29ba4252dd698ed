import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';
import { sql } from 'kysely';
import { KINDS } from '../../src/jobs/background.js';
import { SYSTEM_TENANT } from '../../src/jobs/model.js';

// POST /usage/raw-usage (shared/design/usage.md "Ingest"): rows resolve to a usage subscription of
// the tenant inside the caller's scope and its service, are counted once forever by their key, and
// a bad row refuses the whole request (atomic) or only itself (partial).
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
let sub: { name: string; id: string; customerId: string };
let counted: { name: string };
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2026-03-01' });
  const calls = await f.post('/objects/Uom', { name: 'Call/Month', quantityDimension: 'Call', termDimension: 'Month', decimalScale: 0 });
  const entry = (listPrice: string) => [{ priceBookId: f.book.id, uomId: calls.id, currencyIsoCode: 'USD', listPrice }];
  await f.post('/objects/composite/ProductList', { persistentObjects: [
    { referenceId: 'api', content: { name: 'API calls', sku: 'API-CALLS', status: 'Active', priceModel: 'Usage', uomId: calls.id, defaultSubscriptionTerm: 12, priceBookEntries: entry('0.01') } },
    { referenceId: 'users', content: { name: 'Active users', sku: 'MAU', status: 'Active', priceModel: 'Usage', usageAggregation: 'UniqueCount', aggregationProperty: 'userId', uomId: calls.id, defaultSubscriptionTerm: 12, priceBookEntries: entry('0.5') } },
  ] });
  const order = await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Metered' }, lines: [{ sku: 'API-CALLS', quantity: 1 }, { sku: 'MAU', quantity: 1 }] });
  const subs = order.subscriptions as { name: string; id: string; customerId: string; productId: string; }[];
  [sub, counted] = [subs[0]!, subs[1]!];
});
afterAll(() => t.close());

const ingest = (body: unknown, headers = f.h) => t.call('POST', '/usage/raw-usage', { body, headers });
const row = (o: Record<string, unknown> = {}) => ({ subscriptionNumber: sub.name, timestamp: '2026-03-01T10:00:00Z', quantity: 5, ...o });
const rawRows = async (txId: string) => (await sql<{ row_index: number; status: string; quantity: string | null; asset_number: string | null }>`
  select row_index, status, quantity, asset_number from raw_usage where tenant_id = ${f.tenant.id} and transaction_id = ${txId} order by row_index`.execute(t.rt.database.db)).rows;

describe('POST /usage/raw-usage', () => {
  it('stores each keyed row once, forever: a retry counts nothing twice, a changed repeat is a visible conflict', async () => {
    const first = await ingest({ data: [row({ id: 'e1' }), row({ id: 'e2', quantity: '2.5' }), row({ id: 'e1' })] });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ accepted: 2, duplicates: 1, conflicts: [], rejected: [] });
    const again = await ingest({ data: [row({ id: 'e1', quantity: 6 }), row({ id: 'e2', quantity: '2.50' }), row({ id: 'e3' })] });
    expect(again.json()).toMatchObject({ accepted: 1, duplicates: 2, conflicts: [{ index: 0, id: 'e1', subscriptionNumber: sub.name, stored: { timestamp: '2026-03-01T10:00:00.000Z', quantity: '5' } }] });
    const stored = await rawRows(first.json().transactionId);
    expect(stored.map((r) => [r.row_index, r.status, r.quantity])).toEqual([[0, 'Active', '5'], [1, 'Active', '2.5']]);
  });

  it('keys rows without an id by transaction and index: the same transaction and body answer as the first time, another body 422', async () => {
    expect((await ingest({ data: [row()] })).json()).toMatchObject({ errorCode: 'TRANSACTION_ID_REQUIRED', errorType: expect.any(String), title: expect.any(String) });
    const body = { transactionId: 'batch-1', data: [row(), row({ quantity: 1 })] };
    const first = await ingest(body);
    expect(first.json()).toEqual({ transactionId: 'batch-1', accepted: 2, duplicates: 0, conflicts: [], rejected: [] });
    expect((await ingest(body)).json()).toEqual(first.json());
    const other = await ingest({ ...body, data: [row({ quantity: 9 })] });
    expect([other.statusCode, other.json().errorCode]).toEqual([422, 'TRANSACTION_REUSED']);
    expect((await rawRows('batch-1')).length).toBe(2);
  });

  it('atomic (default): one bad row refuses the request, naming the row and field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ subscriptionNumber: 'SUB-999999' }, 'data/1/subscriptionNumber', 'USAGE_SUBSCRIPTION_NOT_FOUND'],
      [{ timestamp: '2026-02-28T23:59:59Z' }, 'data/1/timestamp', 'TIMESTAMP_OUTSIDE_SERVICE'],
      [{ timestamp: '2026-03-02T00:00:01Z' }, 'data/1/timestamp', 'TIMESTAMP_IN_FUTURE'],
      [{ quantity: '1e400' }, 'data/1/quantity', 'INVALID_QUANTITY'],
      [{ quantity: 'Infinity' }, 'data/1/quantity', 'INVALID_QUANTITY'],
      [{ quantity: '1234567890.1234567891' }, 'data/1/quantity', 'INVALID_QUANTITY'],
      [{ subscriptionNumber: counted.name }, 'data/1/properties/userId', 'MISSING_AGGREGATION_PROPERTY'],
      [{ subscriptionNumber: undefined, customerId: sub.customerId, productSKU: 'NOPE' }, 'data/1/productSKU', 'USAGE_SUBSCRIPTION_NOT_FOUND'],
    ];
    for (const [bad, field, code] of cases) {
      const res = await ingest({ transactionId: `bad-${field}-${code}-${JSON.stringify(bad)}`, data: [row(), row(bad)] });
      expect([res.statusCode, res.json().errorCode], res.body).toEqual([400, code]);
      expect(res.json().message).toContain(field);
      expect(await rawRows(`bad-${field}-${code}-${JSON.stringify(bad)}`)).toEqual([]);
    }
    // a malformed row is the schema's 400
    const schema = await ingest({ transactionId: 'bad-schema', data: [row({ timestamp: 'yesterday' })] });
    expect([schema.statusCode, schema.json().message]).toEqual([400, expect.stringContaining('data/0/timestamp')]);
  });

  it('partial: valid rows are stored, the rest answered as rejected and kept as Rejected raw usage', async () => {
    const res = await ingest({ transactionId: 'partial-1', mode: 'partial', data: [row(), row({ subscriptionNumber: 'SUB-999999' }), row({ subscriptionNumber: counted.name, properties: { userId: 'u1' } })] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [{ index: 1, field: 'data/1/subscriptionNumber', errorCode: 'USAGE_SUBSCRIPTION_NOT_FOUND' }] });
    expect((await rawRows('partial-1')).map((r) => [r.row_index, r.status, r.asset_number])).toEqual([[0, 'Active', sub.name], [1, 'Rejected', 'SUB-999999'], [2, 'Active', counted.name]]);
    // the hourly purge keeps a rejected row 14 days, then deletes it (and only it)
    const purge = async (daysLater: number) => {
      const scheduledAt = new Date(Date.now() + daysLater * 86_400_000).toISOString();
      await t.rt.jobs.enqueueMany(t.rt.database.db, [{ tenantId: SYSTEM_TENANT, kind: KINDS.purgeRejectedUsage, payload: { scheduledAt } }]);
      await t.rt.jobs.runUntilIdle({ tenantId: SYSTEM_TENANT });
    };
    await purge(13);
    expect((await rawRows('partial-1')).length).toBe(3);
    await purge(15);
    expect((await rawRows('partial-1')).map((r) => r.status)).toEqual(['Active', 'Active']);
  });

  it('resolves a row by subscription id or by customer and sku', async () => {
    const res = await ingest({ data: [row({ id: 'by-id', subscriptionNumber: undefined, subscriptionId: sub.id }), row({ id: 'by-sku', subscriptionNumber: undefined, customerId: sub.customerId, productSKU: 'API-CALLS' })] });
    expect(res.json(), res.body).toMatchObject({ accepted: 2, rejected: [] });
    const stored = await sql<{ asset_number: string }>`select asset_number from raw_usage where tenant_id = ${f.tenant.id} and event_id in ('by-id', 'by-sku')`.execute(t.rt.database.db);
    expect(stored.rows.map((r) => r.asset_number)).toEqual([sub.name, sub.name]);
  });

  it('never reaches another tenant\'s subscription', async () => {
    const other = await t.newTenant({ sandbox: true });
    const res = await ingest({ data: [row({ id: 'x' })] }, withKey(other.apiKey));
    expect([res.statusCode, res.json().errorCode]).toEqual([400, 'USAGE_SUBSCRIPTION_NOT_FOUND']);
  });
});

describe('ingest over random streams (property)', () => {
  it('whatever the batches, repeats and parallel arrivals, each event is stored once and the stored sum is the deduplicated stream\'s', async () => {
    const { default: fc } = await import('fast-check');
    const { Dec } = await import('../../src/core/money.js');
    let run = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ n: fc.integer({ min: 0, max: 40 }), q: fc.integer({ min: -500, max: 5000 }), cents: fc.integer({ min: 0, max: 99 }) }), { minLength: 1, maxLength: 60 }),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      async (events, cuts, parallel) => {
        const prefix = `p${run++}-`;
        // an event's content is a function of its id, so repeats are duplicates, never conflicts
        const rowOf = (e: { n: number }) => row({ id: `${prefix}${e.n}`, quantity: `${events.find((x) => x.n === e.n)!.q}.${String(events.find((x) => x.n === e.n)!.cents).padStart(2, '0')}`, timestamp: `2026-03-01T${String(e.n % 24).padStart(2, '0')}:00:00Z` });
        const batches: unknown[][] = [];
        for (let at = 0, i = 0; at < events.length; i++) {
          const size = cuts[i % cuts.length]!;
          batches.push(events.slice(at, at + size).map(rowOf));
          at += size;
        }
        batches.push(events.slice(0, 3).map(rowOf)); // a client's retry of what it sent first
        const answers = parallel ? await Promise.all(batches.map((data) => ingest({ data }))) : await (async () => { const out = []; for (const data of batches) out.push(await ingest({ data })); return out; })();
        expect(answers.every((a) => a.statusCode === 201), answers.map((a) => a.body).join('\n')).toBe(true);
        const firsts = new Map<number, (typeof events)[number]>();
        for (const e of events) if (!firsts.has(e.n)) firsts.set(e.n, e);
        const sent = batches.reduce((n, b) => n + b.length, 0);
        expect(answers.reduce((n, a) => n + a.json().accepted, 0)).toBe(firsts.size);
        expect(answers.reduce((n, a) => n + a.json().duplicates, 0)).toBe(sent - firsts.size);
        expect(answers.flatMap((a) => a.json().conflicts)).toEqual([]);
        const stored = await sql<{ n: string; total: string | null }>`select count(*)::text as n, sum(quantity)::text as total from raw_usage
          where tenant_id = ${f.tenant.id} and event_id like ${`${prefix}%`} and status = 'Active'`.execute(t.rt.database.db);
        const expected = [...firsts.values()].reduce((s, e) => s.plus(`${e.q}.${String(e.cents).padStart(2, '0')}`), new Dec(0));
        expect([Number(stored.rows[0]!.n), new Dec(stored.rows[0]!.total ?? 0).toFixed(2)]).toEqual([firsts.size, expected.toFixed(2)]);
      },
    ), { numRuns: 15 });
  }, 120_000);
});
