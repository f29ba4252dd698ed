import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// A change order's invoice is paid like a new order's (DESIGN "Payments and atomicity"). The
// subscriptions' June is invoiced, so +1 from the start corrects it: −2.97 + 5.94 = 2.97.
const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
const subscribe = async (name: string) => (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name },
  lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json().subscriptions[0];
const plusOne = (assetNumber: string) => [{ assetNumber, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }];

describe('paying a change order', () => {
  it('charges the difference and the invoice is Paid', async () => {
    const sub = await subscribe('Payer');
    const res = await call('POST', '/orders/change-orders', { options: { activateInvoice: true, cancelOnPaymentFail: true }, paymentMethod: { token: 'pm_card_visa' }, assetChanges: plusOne(sub.name) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payment).toMatchObject({ status: 'Succeeded', amount: 2.97 });
    expect(res.json().invoices[0].invoice).toMatchObject({ amount: 2.97, balance: 0, paymentStatus: 'Paid' });
  });

  it('a decline under cancelOnPaymentFail is a 402 and writes nothing; asyncPayment answers 202 Pending', async () => {
    const sub = await subscribe('Decliner');
    const versions = async () => Number((await sql<{ n: string }>`select count(*) as n from asset_versions where tenant_id = ${s.f.tenant.id} and asset_number = ${sub.name}`.execute(s.t.rt.database.db)).rows[0]!.n);
    const declined = await call('POST', '/orders/change-orders', { options: { activateInvoice: true, cancelOnPaymentFail: true }, paymentMethod: { token: 'pm_card_chargeDeclined' }, assetChanges: plusOne(sub.name) });
    expect([declined.statusCode, declined.json().errorCode]).toEqual([402, 'PAYMENT_DECLINED']);
    expect(await versions()).toBe(1);
    const later = await call('POST', '/orders/change-orders', { options: { activateInvoice: true, asyncPayment: true }, paymentMethod: { token: 'pm_card_visa' }, assetChanges: plusOne(sub.name) });
    expect(later.statusCode, later.body).toBe(202);
    expect(later.json().payment).toMatchObject({ status: 'Pending', amount: 2.97 });
    expect(await versions()).toBe(2);
  });
});
