import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Change-order, bulk, credit and activation requests shaped like real ones, with random values: never a 500.
const s = orderSuite({ today: '2023-06-22' });

const any = () => fc.oneof(fc.anything({ maxDepth: 1 }), fc.integer({ min: -30, max: 30 }), fc.double(), fc.constantFrom('2023-06-22', '2023-07-01', '2024-06-21', '2023-02-30', '', 'x', '-1', '0'), fc.constant(null), fc.boolean());

describe('change-order fuzzing', () => {
  it('random changes, stacks and options never produce a 500', async () => {
    const o = await s.f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Fuzzed' },
      lines: [{ productId: s.f.ids.platform, quantity: 2, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }, { productId: s.f.ids.key, quantity: 1 }] });
    const numbers = fc.constantFrom(o.subscriptions[0].name, o.assets[0].name, 'SUB-999999', '', 'x');
    const change = fc.record({
      assetNumber: numbers, changeType: fc.constantFrom('UpdateQuantity', 'UpdateTerm', 'Renew', 'CoTerm', 'Cancel', 'AdjustPrice', 'Reconfigure', 'ConvertFreeTrial', 'Nope'),
      quantity: any(), startDate: any(), endDate: any(), term: any(), renewalTerm: any(), coTermDate: any(), cancellationDate: any(), netSalesPrice: any(),
      discount: fc.oneof(any(), fc.record({ discountPercentage: any() })), overrideTrialEnd: any(),
    }, { requiredKeys: ['assetNumber', 'changeType'] });
    const body = fc.record({
      options: fc.oneof(any(), fc.record({ activateOrder: any(), activateInvoice: any(), generateInvoice: any(), previewInvoice: any(), previewHash: any(), cancelOnPaymentFail: any(), batchSize: any() }, { requiredKeys: [] })),
      assetChanges: fc.oneof(any(), fc.array(change, { maxLength: 3 })), paymentMethod: fc.oneof(any(), fc.record({ token: fc.constantFrom('pm_card_visa', 'pm_card_chargeDeclined', 'junk') })),
    }, { requiredKeys: [] });
    const routes = ['/orders/change-orders', '/cpq/change-order:preview', '/cpq/change-order-in-bulk'];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), body, async (url, b) => {
      const res = await s.call('POST', url, b);
      expect(res.statusCode, `${url} ${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${url} ${JSON.stringify(b)} → ${res.body}`).not.toMatch(/\bundefined\b/);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });

  it('random conversions and invoice activations never produce a 500', async () => {
    const o = await s.f.post('/orders', { options: { generateInvoice: true }, customer: { name: 'Fuzzed drafts' }, lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12 }] });
    const invoice = o.invoices[0];
    const ids = fc.constantFrom(invoice.invoice.id, invoice.items[0].id, '00000000-0000-4000-8000-000000000000', 'nope');
    const body = fc.record({
      invoiceIds: fc.oneof(any(), fc.array(ids, { maxLength: 2 })), invoiceDate: any(), enabledAppliedCredits: any(),
      data: fc.oneof(any(), fc.array(fc.record({ id: ids, amount: any(), taxAmount: any(), invoiceDate: any(), invoiceItems: fc.oneof(any(), fc.array(fc.record({ id: ids, transactionAmount: any(), taxAmount: any() }), { maxLength: 2 })) }, { requiredKeys: [] }), { maxLength: 2 })),
      credits: fc.oneof(any(), fc.array(fc.record({ creditId: ids, creditNumber: any(), amount: any() }, { requiredKeys: [] }), { maxLength: 2 })),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(fc.constantFrom('/billing/invoices:activate', '/billing/credits:convert'), body, async (url, b) => {
      const res = await s.call('POST', url, b);
      expect(res.statusCode, `${url} ${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${url} ${JSON.stringify(b)} → ${res.body}`).not.toMatch(/\bundefined\b/);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });
});
