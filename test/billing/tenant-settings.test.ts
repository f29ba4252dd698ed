import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

describe('billing tenant settings import/export', () => {
  it('imports the seed\'s document, acts on what Keel knows, and exports it back', async () => {
    const h = withKey((await t.newTenant()).apiKey);
    const doc = {
      subscriptionDateFieldForBcd: { fieldApiName: 'subscriptionStartDate' },
      autoSetBcdMode: { mode: 'AutoSetToFirstSubscription', setting: null },
      sfCustomSettings: { autoAlignBillingPeriodEnabled: false, billingPeriodAlign: 'Order' },
      billingSettings: {
        'Bill Cycle Day': 15, 'Billing Period': 'Quarter', 'Billing Start Month': 1, 'Billing Timing': 'In Arrears', prorationEnabled: false,
        'Payment Term': 'Net 45', hideZeroItems: true, 'Credit Memo Mode': 'Disabled', 'Term Basis': 'Actual', splitBySalesAccount: false, groupingAttributes: [],
      },
    };
    const res = await t.call('POST', '/billing/tenant-settings/setting:import', { body: doc, headers: h });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(doc);
    expect((await t.call('GET', '/tenant', { headers: h })).json().settings).toMatchObject({
      billCycleDay: 15, billingPeriod: 'Quarter', billingStartMonth: 1, billingTiming: 'InArrears', prorationEnabled: false, paymentTerm: 'Net 45', termBasis: 'Actual',
    });
    expect((await t.call('GET', '/billing/tenant-settings/setting:export', { headers: h })).json()).toEqual(doc);
    const bad = await t.call('POST', '/billing/tenant-settings/setting:import', { body: { billingSettings: { 'Term Basis': 'Daily' } }, headers: h });
    // the body schema names the field where it was sent
    expect([bad.statusCode, bad.json().errorCode, bad.json().message]).toEqual([400, 'INVALID_FIELD', 'body/billingSettings/Term Basis must be equal to one of the allowed values: US30360, Actual']);
    expect((await t.call('GET', '/tenant', { headers: h })).json().settings.termBasis).toBe('Actual');
  });
});
