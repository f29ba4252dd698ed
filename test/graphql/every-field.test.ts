import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';
import { ROOTS as roots, entityOf, selection } from '../support/graphql-selection.js';

// Every field of every root entity, and every relation and every relation of those, with all of their fields (depth 2), over
// data that fills them: a valid query never answers 500 nor a GraphQL error (issue 15 part 6). The
// query is built from the schema, so a field or relation added later joins it.
const s = orderSuite({ today: '2023-06-22' });

describe('GraphQL: every field of every entity, relations to depth 2', () => {
  it('over an order, a change, a run, memos and payments: every root answers every field', async () => {
    const line = { productId: s.f.ids.platform, quantity: 3, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' };
    const placed = await s.f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Every field', email: 'e@example.com' },
      billToContact: { firstName: 'E', lastName: 'F', billingCountry: 'United States', billingState: 'California' }, paymentMethod: { token: 'pm_card_visa' }, lines: [line] });
    const customerId = placed.order.customerId;
    await s.call('POST', '/test/clock', { today: '2023-08-01' });
    // a seat fewer from a day already billed: a credit memo with its correction items
    await s.f.post('/orders/change-orders', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: placed.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: -1, startDate: '2023-06-25' }] });
    await s.f.post('/billing/credit-memos', { customerId, amount: 5, reason: 'goodwill' });
    await s.f.post('/billing/debit-memos', { customerId, amount: 3, reason: 'late fee' });
    expect((await s.call('POST', '/billing/schedules', { scheduleType: 'OneTime', autoActivate: true, targetDate: '2023-09-01', customerIds: [customerId] })).statusCode).toBeLessThan(300);
    const failures: string[] = [];
    const rows = new Map<string, number>();
    for (const root of roots) {
      const text = `{ ${root}(limit: 5) { ${selection(entityOf(root), 2)} } }`;
      const res = await s.call('POST', '/async/graphql', { query: text });
      const errors = res.statusCode === 200 ? res.json().errors : [res.body];
      if (res.statusCode !== 200 || errors) failures.push(`${root}: ${res.statusCode} ${JSON.stringify(errors).slice(0, 400)}`);
      else rows.set(root, res.json().data[root].length);
    }
    expect(roots.length).toBeGreaterThan(15);
    expect(failures).toEqual([]);
    // the relations were walked over rows, not over empty answers
    const filled = ['Customer', 'Contact', 'Order', 'OrderProduct', 'Subscription', 'Invoice', 'InvoiceItem', 'InvoiceItemDetail', 'CreditMemo', 'CreditMemoItem', 'DebitMemo', 'Payment', 'PaymentApplication', 'BillingJob', 'Product', 'PriceBookEntry'];
    expect(filled.filter((r) => !(rows.get(r)! > 0))).toEqual([]);
  }, 180_000);
});
