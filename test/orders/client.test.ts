import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeelClient } from '../../client/index.js';
import { clientFor } from '../support/client.js';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

// The order flow end to end through the generated client (issue 16): the paths, colon verbs and
// answer types come from /openapi.json (client/api.d.ts), and every answer is checked against its
// declared schema by the suite's serializer (KEEL_CHECK_RESPONSES).
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
let api: KeelClient;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
  api = clientFor(t.rt.app, f.h.apiAccessKey!);
});
afterAll(() => t.close());

const line = () => ({ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' });

describe('the typed client', () => {
  it('places, activates, bills and pays an order; errors arrive in the error shape', async () => {
    const draft = await api.POST('/orders', { body: { options: { activateOrder: false }, customer: { name: 'Typed buyer' }, lines: [line()] } });
    expect(draft.response.status, JSON.stringify(draft.error)).toBe(200);
    const order = draft.data!.order;
    expect([order.status, order.totalPrice]).toEqual(['Draft', 118.8]);
    // a colon verb, as the document writes it
    const activated = await api.POST('/orders/{id}:activate', { params: { path: { id: order.id } }, body: {} });
    expect(activated.response.status, JSON.stringify(activated.error)).toBe(200);
    const read = await api.GET('/orders/{id}', { params: { path: { id: order.id } } });
    expect(read.data?.order.status).toBe('Activated');
    // a run is a job; its answer is typed by the document (BillingJob)
    const run = await api.POST('/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2023-06-22', autoActivate: true } });
    expect(run.response.status).toBe(201);
    const job = run.data!;
    if (!('invoiceIds' in job)) throw new Error('a OneTime run answers with its billing job');
    expect([job.status, job.invoiceIds.length, job.errors]).toEqual(['Completed', 1, []]);
    const again = await api.GET('/billing/jobs/{id}', { params: { path: { id: job.id } } });
    expect(again.data?.invoiceIds).toEqual(job.invoiceIds);
    // the first period (2023-06-22..06-30 of 9.90 a month): 2.97, paid by card through :pay
    const invoiceId = job.invoiceIds[0]!;
    const paid = await api.POST('/billing/invoices:pay', { body: { payInvoices: [{ invoiceId }], paymentMethod: { token: 'pm_card_visa' } } });
    expect(paid.response.status, JSON.stringify(paid.error)).toBe(200);
    if (!paid.data || !('invoices' in paid.data)) throw new Error(':pay with a payment method answers with each invoice after its charge');
    expect(paid.data.invoices[0]).toMatchObject({ id: invoiceId, balance: 0, paymentStatus: 'Paid' });
    // a change through its preview: the previewHash commits what was previewed, and only that
    const invoice = await api.GET('/billing/invoices/{id}', { params: { path: { id: invoiceId } } });
    const assetNumber = invoice.data!.items[0]!.assetNumber!;
    const change = { assetChanges: [{ assetNumber, changeType: 'UpdateQuantity' as const, quantity: 1, startDate: '2023-07-01' }] };
    const preview = await api.POST('/cpq/change-order:preview', { body: change });
    expect(preview.response.status, JSON.stringify(preview.error)).toBe(200);
    const other = { assetChanges: [{ ...change.assetChanges[0]!, quantity: 2 }] };
    const stale = await api.POST('/orders/change-orders', { body: { ...other, options: { previewHash: preview.data!.previewHash } } });
    expect([stale.response.status, stale.error?.errorCode]).toEqual([409, 'PREVIEW_STALE']);
    const changed = await api.POST('/orders/change-orders', { body: { ...change, options: { previewHash: preview.data!.previewHash } } });
    expect(changed.response.status, JSON.stringify(changed.error)).toBe(200);
    expect(changed.data?.order).toMatchObject({ status: 'Activated', customerId: order.customerId });
    // bad input: a 400 whose error is the documented shape
    const bad = await api.POST('/billing/schedules', { body: { scheduleType: 'OneTime', targetDate: '2023-02-30' } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ errorCode: 'INVALID_FIELD', errorType: 'ValidationError' });
    expect(bad.error?.message).toContain('targetDate');
  });
});
