import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// test/vectors/change-orders.json: each vector subscribes a new customer to 9.90/month for 12 months
// from 2023-06-22, bills as it says, applies its changes and checks lines, invoice, memo and the life total.
interface Vector {
  name: string; source: string; policy: string; today: string;
  subscription: { quantity: number; firstInvoice: boolean; billedThrough?: string };
  options: Record<string, unknown>; assetChanges: Record<string, unknown>[];
  expect: {
    order?: Record<string, unknown>; lines?: unknown[][]; subscription?: Record<string, unknown>;
    invoice?: [string, string, number, number][]; creditMemo?: [string, string, number][]; billedThrough: { targetDate: string; total: string };
  };
}
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../vectors/change-orders.json', import.meta.url), 'utf8'));

const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const run = async (customerId: string, targetDate: string) => {
  await call('POST', '/test/clock', { today: targetDate });
  const res = await call('POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate, customerIds: [customerId], autoActivate: true });
  expect(res.statusCode, res.body).toBe(201);
};

describe('change-order vectors', () => {
  it.each(vectors)('$name', async (v) => {
    await call('POST', '/test/clock', { today: '2023-06-22' });
    const o = (await call('POST', '/orders', { options: v.subscription.firstInvoice ? { activateInvoice: true } : { calculateTax: false }, customer: { name: v.name },
      lines: [{ productId: s.f.ids.platform, quantity: v.subscription.quantity, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    const customerId = o.order.customerId as string;
    const sub = o.subscriptions[0].name as string;
    if (v.subscription.billedThrough) await run(customerId, v.subscription.billedThrough);
    await call('POST', '/test/clock', { today: v.today });
    const res = await call('POST', '/orders/change-orders', { options: v.options, assetChanges: v.assetChanges.map((c) => ({ ...c, assetNumber: sub })) });
    expect(res.statusCode, res.body).toBe(200);
    const co = res.json();
    if (v.expect.order) expect(co.order).toMatchObject(v.expect.order);
    if (v.expect.lines) {
      expect(co.orderProducts.map((l: any) => [l.lineType, l.changeType, l.quantity, l.subscriptionStartDate, l.subscriptionEndDate, l.totalPrice, l.deltaCMRR, l.deltaTCV])).toEqual(v.expect.lines);
    }
    if (v.expect.subscription) expect(co.subscriptions[0]).toMatchObject(v.expect.subscription);
    if (v.expect.invoice) {
      expect(co.invoices.flatMap((i: any) => i.items.map((x: any) => [x.startDate, x.endDate, x.transactionQuantity, x.transactionAmount]))).toEqual(v.expect.invoice);
    }
    // what a change order bills is a correction of a billed period: Adjustment items naming the item they correct
    for (const x of [...co.invoices.flatMap((i: any) => i.items), ...co.creditMemos.flatMap((m: any) => m.items)]) {
      expect(x).toMatchObject({ chargeType: 'Adjustment', correctsInvoiceItemId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
    if (v.expect.creditMemo) {
      expect(co.creditMemos.flatMap((m: any) => m.items.map((x: any) => [x.startDate, x.endDate, x.transactionAmount]))).toEqual(v.expect.creditMemo);
    }
    await run(customerId, v.expect.billedThrough.targetDate);
    const total = (await sql<{ s: string }>`select coalesce(sum(amount_without_tax), 0) as s from invoice_items
      where tenant_id = ${s.f.tenant.id} and customer_id = ${customerId} and status <> 'Canceled'`.execute(s.t.rt.database.db)).rows[0]!.s;
    expect(total).toBe(v.expect.billedThrough.total);
  });
});
