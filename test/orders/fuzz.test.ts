import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from './support.js';

// Order and billing requests shaped like real ones, with random values: never a 500, and an error
// message names what is wrong (never an `undefined` where a field or value should be).
let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
});
afterAll(() => t.close());

const any = () => fc.oneof(fc.anything({ maxDepth: 1 }), fc.integer({ min: -3, max: 100 }), fc.double(), fc.constantFrom('2023-06-22', '2023-02-30', '', 'x', '1e3', '10'), fc.constant(null), fc.boolean());

describe('order fuzzing', () => {
  it('random lines, options and payment methods never produce a 500', async () => {
    const ids = () => fc.constantFrom(f.ids.platform, f.ids.bundle, f.ids.key, f.ids.draft, '00000000-0000-4000-8000-000000000000', 'nope');
    const line = fc.record({ productId: ids(), quantity: any(), subscriptionTerm: any(), subscriptionStartDate: any(), discount: any(), discountAmount: any(), billingTiming: any(), addOns: fc.oneof(any(), fc.array(fc.record({ productOptionId: any(), quantity: any() }), { maxLength: 2 })) }, { requiredKeys: ['productId'] });
    const body = fc.record({
      options: fc.oneof(any(), fc.record({ activateOrder: any(), activateInvoice: any(), generateInvoice: any(), previewInvoice: any(), cancelOnPaymentFail: any(), asyncPayment: any(), calculateTax: any() }, { requiredKeys: [] })),
      customer: fc.oneof(any(), fc.record({ name: any(), email: any(), taxExempt: any() }, { requiredKeys: [] })),
      billToContact: fc.oneof(any(), fc.record({ firstName: any(), birthday: any(), billingCountry: any() }, { requiredKeys: [] })),
      paymentMethod: fc.oneof(any(), fc.record({ token: fc.constantFrom('pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_authenticationRequired', 'junk'), gateway: fc.constantFrom('test', 'stripe', undefined) }, { requiredKeys: ['token'] })),
      lines: fc.oneof(any(), fc.array(line, { maxLength: 3 })),
      effectiveDate: any(), currencyIsoCode: any(), billingCycle: any(), taxRates: any(),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const res = await t.call('POST', '/orders', { body: b, headers: f.h });
      expect(res.statusCode, `${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${JSON.stringify(b)} → ${res.body}`).not.toMatch(/\bundefined\b/);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });

  it('random invoice previews (the order shape and the seed shape) never produce a 500', async () => {
    const [known] = await f.post('/orders/customers', [{ name: 'Fuzz preview', externalId: 'FUZZ-1' }]);
    const ids = () => fc.constantFrom(f.ids.platform, f.ids.bundle, f.ids.key, f.ids.draft, '00000000-0000-4000-8000-000000000000', 'nope');
    const line = fc.record({
      id: any(), productId: ids(), quantity: any(), subscriptionTerm: any(), startDate: any(), endDate: any(), subscriptionStartDate: any(), netSalesPrice: any(),
      totalPrice: any(), tax: any(), 'Billing Period': any(), 'Bill Cycle Day': any(), billingTiming: any(), addOns: any(),
    }, { requiredKeys: ['productId'] });
    const lines = fc.oneof(any(), fc.array(line, { maxLength: 3 }));
    const body = fc.record({
      customerId: fc.oneof(fc.constantFrom(known.id, 'FUZZ-1', 'nope', ''), any()), customer: fc.oneof(any(), fc.record({ name: any() }, { requiredKeys: [] })),
      options: fc.oneof(any(), fc.record({ calculatePrice: any(), calculateTax: any(), activateInvoice: any() }, { requiredKeys: [] })),
      targetDate: any(), firstInvoiceOnly: any(), 'Billing Period': any(), 'Bill Cycle Day': any(), 'Payment Term': any(), billingCycle: any(), currencyIsoCode: any(),
      orderProducts: lines, lines,
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const res = await t.call('POST', '/orders/invoices:preview', { body: b, headers: f.h });
      expect(res.statusCode, `${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${JSON.stringify(b)} → ${res.body}`).not.toMatch(/\bundefined\b/);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });

  it('random payment and memo requests never produce a 500', async () => {
    const order = await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Fuzz' }, lines: [{ productId: f.ids.platform, quantity: 1, subscriptionTerm: 12 }] });
    const invoiceId = order.invoices[0].invoice.id;
    const ids = fc.constantFrom(invoiceId, order.order.customerId, '00000000-0000-4000-8000-000000000000', 'nope');
    const routes = ['/billing/invoices:pay', '/billing/invoices:refund', '/billing/invoices:write-off', '/billing/credit-memos', '/billing/credit-memos:apply', '/billing/debit-memos', '/billing/schedules', '/orders/invoices:preview'];
    const body = fc.record({
      payInvoices: fc.array(fc.record({ invoiceId: ids, transactionAmount: any() }), { maxLength: 2 }), refundInvoices: fc.array(fc.record({ invoiceId: ids, transactionAmount: any(), reopen: any() }), { maxLength: 2 }),
      writeOffInvoiceIds: fc.oneof(any(), fc.array(ids, { maxLength: 2 })), customerId: ids, amount: any(), taxAmount: any(), status: any(),
      appliedInvoices: fc.array(fc.record({ invoiceId: ids, creditMemoId: ids, transactionAmount: any() }), { maxLength: 2 }),
      debitMemo: fc.record({ customerId: ids, amount: any(), startDate: any(), endDate: any() }, { requiredKeys: [] }),
      scheduleType: fc.constantFrom('OneTime', 'Recurring', 'x'), targetDate: any(), recurringSchedule: any(), orderProducts: any(),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), body, async (url, b) => {
      const res = await t.call('POST', url, { body: b, headers: f.h });
      expect(res.statusCode, `${url} ${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${url} ${JSON.stringify(b)} → ${res.body}`).not.toMatch(/\bundefined\b/);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });
});
