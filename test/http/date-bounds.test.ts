import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Business dates are taken from 1900-01-01 to 2199-12-31 (issue 15 part 5): a date outside is a 400
// naming the field, and nothing is written — a test clock at 9999-12-31 or a run to it once held the
// embedded server's loop for minutes walking the calendar.
const s = orderSuite({ today: '2023-06-22' });
const RANGE = 'must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31';

describe('business dates out of range', () => {
  it('every kind of write refuses 0001-01-01 and 9999-12-31 naming the field; the edges are taken', async () => {
    const line = (startDate: string) => ({ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: startDate });
    const placed = (await s.call('POST', '/orders', { customer: { name: 'Bounds' }, lines: [line('2023-06-22')] })).json();
    const customerId = placed.order.customerId;
    const count = async () => (await sql<{ n: string }>`select (select count(*) from orders where tenant_id = ${s.f.tenant.id})
      + (select count(*) from billing_jobs where tenant_id = ${s.f.tenant.id}) + (select count(*) from credit_memos where tenant_id = ${s.f.tenant.id}) as n`.execute(s.t.rt.database.db)).rows[0]!.n;
    const before = await count();
    for (const day of ['0001-01-01', '1899-12-31', '2200-01-01', '9999-12-31']) {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/test/clock', { today: day }, 'body/today'],
        ['POST', '/orders', { customerId, lines: [line(day)] }, 'body/lines/0/subscriptionStartDate'],
        ['POST', '/orders/change-orders', { assetChanges: [{ assetNumber: placed.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: 1, startDate: day }] }, 'body/assetChanges/0/startDate'],
        ['POST', '/billing/schedules', { scheduleType: 'OneTime', targetDate: day, autoActivate: true, customerIds: [customerId] }, 'body/targetDate'],
        ['POST', '/billing/credit-memos', { customerId, amount: 1, reason: 'x', creditMemoDate: day }, 'body/creditMemoDate'],
      ];
      for (const [method, url, body, field] of cases) {
        const res = await s.call(method as 'POST', url, body);
        expect([res.statusCode, res.json().message], `${url} ${day}`).toEqual([400, `${field} ${RANGE}`]);
      }
    }
    expect(await count()).toBe(before);
    expect((await s.call('GET', '/test/clock')).json().today).toBe('2023-06-22');
    const dated = await s.call('POST', '/billing/credit-memos', { customerId, amount: 1, reason: 'dated', creditMemoDate: '2023-06-01' });
    expect([dated.statusCode, dated.json().creditMemoDate]).toEqual([201, '2023-06-01']);
    for (const day of ['1900-01-01', '2199-12-31']) {
      const res = await s.call('POST', '/orders', { customerId, lines: [line(day)] });
      expect(res.statusCode, res.body).toBe(200);
    }
  });
});
