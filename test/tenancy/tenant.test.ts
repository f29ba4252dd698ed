import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { manualClock } from '../support/clock.js';

const clock = manualClock('2026-11-23T22:30:00Z');
let t: TestApp;
beforeAll(async () => { t = await testApp({ clock }); });
afterAll(() => t.close());

describe('tenants', () => {
  it('the operator API needs KEEL_ADMIN_TOKEN and validates its body', async () => {
    expect((await t.call('POST', '/admin/tenants', { body: { name: 'x' } })).statusCode).toBe(401);
    expect((await t.call('POST', '/admin/tenants', { body: { name: 'x' }, headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const bad = await t.call('POST', '/admin/tenants', { body: { name: 'x', currency: 'usd' }, headers: admin });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'body/currency must match pattern "^[A-Z]{3}$"']);
    const tz = await t.call('POST', '/admin/tenants', { body: { name: 'tz-test', timeZone: 'Mars/Olympus' }, headers: admin });
    expect([tz.statusCode, tz.json().errorCode]).toEqual([400, 'INVALID_TIME_ZONE']);
  });

  it('creates a tenant with its currency, time zone and default settings', async () => {
    const created = await t.newTenant({ currency: 'EUR', timeZone: 'Europe/Paris' });
    const tenant = (await t.call('GET', '/tenant', { headers: withKey(created.apiKey) })).json();
    expect(tenant).toMatchObject({
      id: created.id, currency: 'EUR', timeZone: 'Europe/Paris', sandbox: false,
      settings: { termBasis: 'US30360', billCycleDay: 1, billingPeriod: 'Month', billingTiming: 'InAdvance', paymentTerm: 'Net 30', prorationEnabled: true, numberFormats: {} },
    });
  });

  it('settings take the seed\'s labels or camelCase, and bad values change nothing', async () => {
    const { apiKey } = await t.newTenant();
    const res = await t.call('PATCH', '/tenant', {
      body: { settings: { 'Term Basis': 'Actual', 'Bill Cycle Day': 15, 'Billing Timing': 'In Arrears', billingPeriod: 'Quarter', 'Payment Term': 'Net 45', prorationEnabled: false } },
      headers: withKey(apiKey),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toMatchObject({ termBasis: 'Actual', billCycleDay: 15, billingTiming: 'InArrears', billingPeriod: 'Quarter', paymentTerm: 'Net 45', prorationEnabled: false });
    for (const [settings, message] of [
      [{ 'Term Basis': 'Daily' }, 'body/settings/Term Basis must be US30360 or Actual'],
      [{ billingPeriod: 'Weekly' }, 'body/settings/billingPeriod must be one of Month, Quarter, Semi-Annual, Annual'],
      [{ Colour: 'blue' }, 'body/settings/Colour is not a tenant setting'],
      [{ toString: 'x' }, 'body/settings/toString is not a tenant setting'], // an Object.prototype name is no setting either
      [{ numberFormats: { order: 'ORD-' } }, undefined],
    ] as const) {
      const bad = await t.call('PATCH', '/tenant', { body: { settings }, headers: withKey(apiKey) });
      expect(bad.statusCode).toBe(400);
      if (message) expect(bad.json().message).toBe(message);
    }
    const after = (await t.call('GET', '/tenant', { headers: withKey(apiKey) })).json();
    expect(after.settings).toEqual(res.json().settings);
  });
});

describe('test clock', () => {
  it('a sandbox tenant reads and sets today; everything else keeps the real date', async () => {
    const sandbox = await t.newTenant({ sandbox: true, timeZone: 'Asia/Tokyo' });
    const h = withKey(sandbox.apiKey);
    // 22:30 UTC is already the next day in Tokyo
    expect((await t.call('GET', '/test/clock', { headers: h })).json()).toEqual({ today: '2026-11-24' });
    expect((await t.call('POST', '/test/clock', { body: { today: '2023-06-22' }, headers: h })).json()).toEqual({ today: '2023-06-22' });
    expect((await t.call('GET', '/test/clock', { headers: h })).json()).toEqual({ today: '2023-06-22' });
    expect((await t.call('POST', '/test/clock', { body: { today: '2022-01-01' }, headers: h })).json()).toEqual({ today: '2022-01-01' });
    expect((await t.call('POST', '/test/clock', { body: { today: null }, headers: h })).json()).toEqual({ today: '2026-11-24' });
    const bad = await t.call('POST', '/test/clock', { body: { today: '2023-02-30' }, headers: h });
    expect(bad.statusCode).toBe(400);
    const badFormat = await t.call('POST', '/test/clock', { body: { today: '22/06/2023' }, headers: h });
    expect([badFormat.statusCode, badFormat.json().message]).toEqual([400, 'body/today must be a date YYYY-MM-DD from 1900-01-01 to 2199-12-31']);
  });

  it('is refused for a tenant that is not a sandbox', async () => {
    const live = await t.newTenant({ sandbox: false });
    const res = await t.call('POST', '/test/clock', { body: { today: '2023-06-22' }, headers: withKey(live.apiKey) });
    expect([res.statusCode, res.json().errorCode]).toEqual([403, 'NOT_A_SANDBOX']);
    expect((await t.call('GET', '/test/clock', { headers: withKey(live.apiKey) })).statusCode).toBe(403);
  });
});
