import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';
import { firesOn, lastFiring, parseCron } from '../../src/billing/runs/cron.js';
import { Temporal } from 'temporal-polyfill';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());
const D = (s: string) => Temporal.PlainDate.from(s);

describe('Quartz cron days', () => {
  it('reads the seed\'s daily expression and monthly, weekly and listed ones', () => {
    expect(firesOn(parseCron('0 0 3 * * ? *'), D('2023-06-22'))).toBe(true);
    const first = parseCron('0 0 3 1 * ? *');
    expect([firesOn(first, D('2023-07-01')), firesOn(first, D('2023-07-02'))]).toEqual([true, false]);
    const mondays = parseCron('0 0 0 ? * MON');
    expect([firesOn(mondays, D('2023-06-19')), firesOn(mondays, D('2023-06-20'))]).toEqual([true, false]);
    expect(lastFiring(first, D('2023-06-30'), D('2023-09-15'))?.toString()).toBe('2023-09-01');
    expect(lastFiring(first, D('2023-09-01'), D('2023-09-15'))).toBeNull();
    expect(() => parseCron('0 0 3 L * ?')).toThrow(/not a Quartz cron/);
    expect(() => parseCron('every day')).toThrow(/not a Quartz cron/);
  });
});

describe('billing schedules', () => {
  it('a monthly schedule runs on its days, catches up once after a gap, and never bills twice', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Scheduled' }, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] });
    const call = (method: 'POST' | 'PATCH' | 'GET' | 'DELETE', url: string, body?: unknown) => t.call(method, url, { body, headers: f.h });
    const created = await call('POST', '/billing/schedules', { scheduleType: 'Recurring', name: 'Monthly', recurringSchedule: '0 0 3 1 * ? *', scheduleStartDate: '2023-07-01', autoActivate: true });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({ status: 'Draft', recurringSchedule: '0 0 3 1 * ? *', lastRunDate: null });
    const ctx = async () => t.rt.tenancy.systemContext(f.tenant.id, 'test');
    expect(await t.rt.billing.schedules.runDue(await ctx())).toEqual([]); // Draft: nothing
    expect((await call('PATCH', '/billing/schedules/activate', { scheduleIds: [s.id] })).json()).toEqual({ scheduleIds: [s.id] });
    expect((await call('PATCH', `/billing/schedules/${s.id}`, { name: 'x' })).json().errorCode).toBe('SCHEDULE_NOT_DRAFT');

    await f.post('/test/clock', { today: '2023-09-15' });
    const [job] = await t.rt.billing.schedules.runDue(await ctx());
    expect(job).toMatchObject({ targetDate: '2023-09-01', scheduleId: s.id, status: 'Completed' });
    const inv = (await call('GET', `/billing/invoices/${job!.invoiceIds[0]}`)).json();
    expect(inv.invoice).toMatchObject({ status: 'Active', startDate: '2023-07-01', endDate: '2023-09-30', amountWithoutTax: 29.7 });
    expect(await t.rt.billing.schedules.runDue(await ctx())).toEqual([]);
    await f.post('/test/clock', { today: '2023-09-30' });
    expect(await t.rt.billing.schedules.runDue(await ctx())).toEqual([]); // no firing since the last run
    await f.post('/test/clock', { today: '2023-10-01' });
    const [october] = await t.rt.billing.schedules.runDue(await ctx());
    expect(october).toMatchObject({ targetDate: '2023-10-01' });
    expect(october!.invoiceIds).toHaveLength(1);
    expect((await call('GET', `/billing/job/${october!.id}/error-log`)).json()).toEqual([]);
  });

  it('duplicates as Draft, cancels, deletes; rejects bad crons and filters', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const call = (method: 'POST' | 'PATCH' | 'GET' | 'DELETE', url: string, body?: unknown) => t.call(method, url, { body, headers: f.h });
    const s = (await call('POST', '/billing/schedules', { scheduleType: 'Recurring', name: 'Nightly', recurringSchedule: '0 0 3 * * ? *' })).json();
    const copy = await call('POST', `/billing/schedules/${s.id}:duplicate`);
    expect([copy.statusCode, copy.json().name, copy.json().status]).toEqual([201, 'Nightly (Copy)', 'Draft']);
    expect((await call('PATCH', `/billing/schedules/${copy.json().id}`, { targetDateIncrement: '3' })).json().targetDateIncrement).toBe('3');
    await call('PATCH', '/billing/schedules/activate', { scheduleIds: [s.id] });
    expect((await call('DELETE', `/billing/schedules/${s.id}`)).json().errorCode).toBe('SCHEDULE_ACTIVE');
    await call('PATCH', '/billing/schedules/cancel', { scheduleIds: [s.id] });
    expect((await call('DELETE', `/billing/schedules/${s.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/billing/schedules/${s.id}`)).statusCode).toBe(404);
    const bad = await call('POST', '/billing/schedules', { scheduleType: 'Recurring', recurringSchedule: 'sometimes' });
    expect([bad.statusCode, bad.json().errorCode]).toEqual([400, 'INVALID_CRON']);
    const filter = await call('POST', '/billing/schedules', { scheduleType: 'Recurring', recurringSchedule: '0 0 3 * * ? *', customerFilter: '{id:{_in:["x"]}}' });
    expect([filter.statusCode, filter.json().errorCode]).toEqual([400, 'INVALID_FILTER']); // "x" is not an id
    const noTarget = await call('POST', '/billing/schedules', { scheduleType: 'OneTime' });
    expect(noTarget.statusCode).toBe(400);
  });
});
