import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNumberingService } from '../../src/numbering/service.js';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

async function tenantCtx(settings?: Record<string, unknown>) {
  const created = await t.newTenant();
  if (settings) {
    const res = await t.call('PATCH', '/tenant', { body: { settings }, headers: withKey(created.apiKey) });
    expect(res.statusCode).toBe(200);
  }
  const tenant = (await t.rt.tenancy.authenticateApiKey(created.apiKey)).tenant;
  return { tenantId: tenant.id, tenant };
}

describe('document numbering', () => {
  it('numbers each kind from 1 in the default formats', async () => {
    const ctx = await tenantCtx();
    const numbering = createNumberingService(t.rt.database.db, 5);
    expect(await numbering.nextNumbers(ctx, 'order', 2)).toEqual(['ORD-00000001', 'ORD-00000002']);
    expect(await numbering.nextNumbers(ctx, 'subscription')).toEqual(['SUB-000001']);
    expect(await numbering.nextNumbers(ctx, 'invoice')).toEqual(['INV-00000001']);
    expect(await numbering.nextNumbers(ctx, 'order', 4)).toEqual(['ORD-00000003', 'ORD-00000004', 'ORD-00000005', 'ORD-00000006']);
  });

  it('two processes never hand out the same number; a stopped process leaves a gap', async () => {
    const ctx = await tenantCtx();
    const a = createNumberingService(t.rt.database.db, 10);
    const b = createNumberingService(t.rt.database.db, 10);
    const fromA = await a.nextNumbers(ctx, 'payment', 3);
    const fromB = await b.nextNumbers(ctx, 'payment', 3);
    expect(fromA).toEqual(['PAY-00000001', 'PAY-00000002', 'PAY-00000003']);
    expect(fromB).toEqual(['PAY-00000011', 'PAY-00000012', 'PAY-00000013']);
    const restarted = createNumberingService(t.rt.database.db, 10);
    expect(await restarted.nextNumbers(ctx, 'payment')).toEqual(['PAY-00000021']);
  });

  it('concurrent callers in one process get distinct, increasing numbers', async () => {
    const ctx = await tenantCtx();
    const numbering = createNumberingService(t.rt.database.db, 3);
    const all = (await Promise.all(Array.from({ length: 25 }, () => numbering.nextNumbers(ctx, 'asset')))).flat();
    expect(new Set(all).size).toBe(25);
    const seqs = all.map((n) => Number(n.slice(4))).sort((x, y) => x - y);
    expect(seqs[0]).toBe(1);
    expect(seqs[24]).toBeLessThanOrEqual(27);
  });

  it('uses the tenant\'s configured formats', async () => {
    const ctx = await tenantCtx({ numberFormats: { order: 'SO-{n:4}', invoice: 'F2026/{n:2}' } });
    const numbering = createNumberingService(t.rt.database.db, 50);
    expect(await numbering.nextNumbers(ctx, 'order')).toEqual(['SO-0001']);
    expect(await numbering.nextNumbers(ctx, 'invoice', 2)).toEqual(['F2026/01', 'F2026/02']);
    const wide = await numbering.nextNumbers(ctx, 'invoice', 99);
    expect(wide.at(-1)).toBe('F2026/101'); // wider numbers print in full
  });

  it('tenants number independently', async () => {
    const one = await tenantCtx();
    const two = await tenantCtx();
    const numbering = createNumberingService(t.rt.database.db);
    expect(await numbering.nextNumbers(one, 'creditMemo')).toEqual(['CM-00000001']);
    expect(await numbering.nextNumbers(two, 'creditMemo')).toEqual(['CM-00000001']);
  });
});
