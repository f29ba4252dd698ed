import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withKey } from '../support/app.js';
import { orderSuite } from '../orders/support.js';
import { ROLE_IDS } from '../../src/tenancy/roles.js';

// Recording money that moved through no gateway — a manual payment, a refund, a reversal, a
// write-off, a payment status set by hand — is finance's (DESIGN §3 Roles and money, issue 15 part 3):
// self-service and sales credentials get a 403 before anything is written; billing and admin may.
const s = orderSuite({ today: '2023-06-22' });
/** DESIGN §3: recording money that no gateway moved is finance's. */
const MONEY_ROLES: string[] = ['billing', 'admin'];
const as = (headers: Record<string, string>) => (url: string, body: unknown) => s.t.call('POST', url, { body, headers });

describe('money needs the billing or admin role', () => {
  it('every role but billing and admin: 403 on :pay, :refund, :cancel-payments, :write-off, :convert-payment-status, nothing written; billing: done', async () => {
    const key = async (role: string) => withKey((await s.f.post('/apiKeys', { name: role, role })).apiKey);
    const billing = await key('billing');
    const refused = await Promise.all(ROLE_IDS.filter((r) => !MONEY_ROLES.includes(r)).map(key));
    expect(refused.length).toBe(ROLE_IDS.length - 2);
    const placed = await s.f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Money roles' },
      lines: [{ productId: s.f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] });
    const invoiceId = placed.invoices[0].invoice.id;
    const paid = await as(billing)('/billing/invoices:pay', { payInvoices: [{ invoiceId, transactionAmount: 10 }] });
    expect(paid.statusCode, paid.body).toBe(200);
    const paymentId = paid.json().paymentApplications[0].paymentId;
    const state = async () => (await sql<{ balance: string; payments: string; applications: string; changes: string }>`select
      (select balance from invoices where tenant_id = ${s.f.tenant.id} and id = ${invoiceId}) as balance,
      (select count(*) from payments where tenant_id = ${s.f.tenant.id}) as payments,
      (select count(*) from payment_applications where tenant_id = ${s.f.tenant.id}) as applications,
      (select count(*) from payment_status_changes where tenant_id = ${s.f.tenant.id}) as changes`.execute(s.t.rt.database.db)).rows[0];
    const writes: [string, unknown][] = [
      ['/billing/invoices:pay', { payInvoices: [{ invoiceId, transactionAmount: 1 }] }],
      ['/billing/invoices:refund', { refundInvoices: [{ invoiceId, paymentId, transactionAmount: 1 }] }],
      ['/billing/invoices:cancel-payments', { cancelPayments: [{ invoiceId, paymentId }] }],
      ['/billing/invoices:write-off', { invoiceIds: [invoiceId] }],
      ['/billing/invoices:convert-payment-status', { convertPaymentStatuses: [{ id: invoiceId, paymentStatus: 'TransferError', paymentDetails: 'returned' }] }],
    ];
    const before = await state();
    for (const headers of refused) {
      for (const [url, body] of writes) {
        const res = await as(headers)(url, body);
        expect([res.statusCode, res.json().errorCode], `${url}: ${res.body}`).toEqual([403, 'PERMISSION_DENIED']);
        expect(res.json()).toMatchObject({ title: expect.any(String), message: expect.any(String), errorType: expect.any(String) });
      }
    }
    expect(await state()).toEqual(before);
    // finance records it
    const again = await as(billing)('/billing/invoices:pay', writes[0]![1]);
    expect(again.statusCode, again.body).toBe(200);
    expect((await state())!.payments).toBe(String(Number(before!.payments) + 1));
  });
});

describe(':pay with a paymentMethod: money that moves', () => {
  it('self-service pays by charging a card (the whole balance, through the collection path); a decline is a 402 and pays nothing', async () => {
    const place = async (name: string) => (await s.f.post('/orders', { options: { activateInvoice: true }, customer: { name },
      lines: [{ productId: s.f.ids.platform, quantity: 3, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).invoices[0].invoice;
    const inv = await place('Card payer');
    expect(inv.balance).toBe(8.91);
    // the customer's own portal credential: bound to it
    const selfService = withKey((await s.f.post('/apiKeys', { name: 'portal', role: 'self-service', customerId: inv.customerId })).apiKey);
    const pay = (body: unknown) => as(selfService)('/billing/invoices:pay', body);
    // only its own invoices
    const other = await place('Someone else');
    const theirs = await pay({ payInvoices: [{ invoiceId: other.id }], paymentMethod: { token: 'pm_card_visa' } });
    expect([theirs.statusCode, theirs.json().errorCode]).toEqual([403, 'OUTSIDE_ORGANISATION']);
    expect((await s.call('GET', `/billing/invoices/${other.id}`)).json().invoice.balance).toBe(8.91);
    // bad input first: nothing is charged
    for (const [body, code] of [
      [{ payInvoices: [{ invoiceId: inv.id }], paymentMethod: {} }, 'INVALID_FIELD'],
      [{ payInvoices: [{ invoiceId: inv.id }], paymentMethod: { token: 'pm_card_visa', gateway: 'nowhere' } }, 'UNKNOWN_GATEWAY'],
      [{ payInvoices: [{ invoiceId: inv.id, transactionAmount: 1 }], paymentMethod: { token: 'pm_card_visa' } }, 'INVALID_FIELD'],
      [{ payInvoices: [{ invoiceId: inv.id }] }, 'PERMISSION_DENIED'],
    ] as const) {
      const res = await pay(body);
      expect([res.statusCode >= 400 && res.statusCode < 500, res.json().errorCode], res.body).toEqual([true, code]);
    }
    const declined = await pay({ payInvoices: [{ invoiceId: inv.id }], paymentMethod: { token: 'pm_card_chargeDeclined' } });
    expect([declined.statusCode, declined.json().errorCode]).toEqual([402, 'PAYMENT_DECLINED']);
    expect(declined.json().message).toContain(inv.name);
    const after = (await s.call('GET', `/billing/invoices/${inv.id}`)).json();
    expect([after.invoice.balance, after.invoice.paymentStatus]).toEqual([8.91, 'Failed']);
    const paid = await pay({ payInvoices: [{ invoiceId: inv.id, transactionAmount: 8.91 }], paymentMethod: { token: 'pm_card_visa' } });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json().invoices[0]).toMatchObject({ id: inv.id, balance: 0, paymentStatus: 'Paid', attempt: { status: 'Succeeded', amount: 8.91 } });
    const attempts = (await s.call('GET', `/billing/invoices/${inv.id}/collection-attempts`)).json().attempts;
    // the decline planned the next retry as dunning does; the card paid that attempt at once
    expect(attempts.map((a: { status: string; amount: number; trigger: string }) => [a.trigger, a.status, a.amount])).toEqual([['Pay', 'Failed', 8.91], ['Retry', 'Succeeded', 8.91]]);
    // nothing left to pay
    expect((await pay({ payInvoices: [{ invoiceId: inv.id }], paymentMethod: { token: 'pm_card_visa' } })).json().errorCode).toBe('NOTHING_TO_PAY');
  });
});
