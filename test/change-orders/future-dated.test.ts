import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// test/vectors/future-dated.json: a new customer subscribes to 9.90/month for 12 months from
// 2023-06-22 (its June invoiced by the order), then each step moves the clock and runs billing or a
// change order and checks what it wrote, item by item (dates, units, amount, charge type).
type Row = [string, string, number, number, string];
interface Step {
  today: string; run?: Row[] | 'any'; change?: Record<string, unknown>[]; invoice?: Row[]; creditMemo?: Row[];
  subscription?: Record<string, unknown>; error?: [number, string]; message?: string;
}
interface Vector { name: string; source: string; steps: Step[]; total?: { through: string; amount: string } }
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../vectors/future-dated.json', import.meta.url), 'utf8'));

const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const row = (x: any): Row => [x.startDate, x.endDate, x.transactionQuantity, x.transactionAmount, x.chargeType];
const run = async (customerId: string, targetDate: string) => {
  const res = await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate, customerIds: [customerId], autoActivate: true });
  expect(res.statusCode, res.body).toBe(201);
  const items: Row[] = [];
  for (const id of res.json().invoiceIds) items.push(...(await call('GET', `/billing/invoices/${id}`)).json().items.map(row));
  return items;
};

describe('future-dated changes and early renewals', () => {
  it.each(vectors)('$name', async (v) => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const o = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name: v.name },
      lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const customerId = o.order.customerId as string;
    const sub = o.subscriptions[0].name as string;
    for (const step of v.steps) {
      await call('POST', '/test/clock', { today: step.today });
      if (step.run) {
        const items = await run(customerId, step.today);
        if (step.run !== 'any') expect(items, `run on ${step.today}`).toEqual(step.run);
      }
      if (step.change) {
        const res = await call('POST', '/orders/change-orders', { options: { activateInvoice: true }, assetChanges: step.change.map((c) => ({ ...c, assetNumber: sub })) });
        if (step.error) {
          expect([res.statusCode, res.json().errorCode], res.body).toEqual(step.error);
          if (step.message) expect(res.json().message).toContain(step.message);
          continue;
        }
        expect(res.statusCode, res.body).toBe(200);
        const co = res.json();
        if (step.invoice) expect(co.invoices.flatMap((i: any) => i.items.map(row))).toEqual(step.invoice);
        if (step.creditMemo) expect(co.creditMemos.flatMap((m: any) => m.items.map(row))).toEqual(step.creditMemo);
        if (step.subscription) {
          const latest = co.subscriptions.find((x: any) => x.isLatest) ?? co.subscriptions.at(-1);
          const head = (await call('GET', `/orders/subscriptions/${latest.latestVersionedSubscriptionId ?? latest.id}`)).json();
          expect(head).toMatchObject(step.subscription);
        }
      }
    }
    if (v.total) {
      await call('POST', '/test/clock', { today: v.total.through });
      await run(customerId, v.total.through);
      const total = (await sql<{ s: string }>`select coalesce(sum(amount_without_tax), 0) as s from invoice_items
        where tenant_id = ${s.f.tenant.id} and customer_id = ${customerId} and status <> 'Canceled'`.execute(s.t.rt.database.db)).rows[0]!.s;
      expect(total).toBe(v.total.amount);
    }
  });

  it('a preview shows the re-derived versions, and committing with its previewHash writes them', async () => {
    await call('POST', '/test/clock', { today: '2023-08-20' });
    const o = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name: 'Preview re-derived' },
      lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const sub = o.subscriptions[0].name;
    expect((await call('POST', '/orders/change-orders', { options: {}, assetChanges: [{ assetNumber: sub, changeType: 'Renew', renewalTerm: 12 }] })).statusCode).toBe(200);
    const body = { options: {}, assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-10-01' }] };
    const preview = (await call('POST', '/cpq/change-order:preview', body)).json();
    expect(preview.results[0].versions).toEqual([
      { effectiveFrom: '2023-10-01', quantity: 2, startDate: '2023-06-22', endDate: '2024-06-21', netSalesPrice: 9.9, totalPrice: 237.6, rederived: false },
      { effectiveFrom: '2024-06-22', quantity: 2, startDate: '2023-06-22', endDate: '2025-06-21', netSalesPrice: 9.9, totalPrice: 475.2, rederived: true },
    ]);
    const res = await call('POST', '/orders/change-orders', { ...body, options: { previewHash: preview.previewHash } });
    expect(res.statusCode, res.body).toBe(200);
    const head = (await call('GET', `/orders/subscriptions/${res.json().subscriptions.at(-1).latestVersionedSubscriptionId}`)).json();
    expect(head).toMatchObject({ quantity: 2, effectiveFrom: '2024-06-22', subscriptionEndDate: '2025-06-21', totalTCV: 442.53 });
  });
});
