import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withKey } from '../support/app.js';
import { orderSuite } from '../orders/support.js';

// Recording money that moved through no gateway — a manual payment, a refund, a reversal, a
// write-off, a payment status set by hand — is finance's (DESIGN §3 Roles and money, issue 15 part 3):
// self-service and sales credentials get a 403 before anything is written; billing and admin may.
const s = orderSuite({ today: '2023-06-22' });
const as = (headers: Record<string, string>) => (url: string, body: unknown) => s.t.call('POST', url, { body, headers });

describe('money needs the billing or admin role', () => {
  it('self-service and sales: 403 on :pay, :refund, :cancel-payments, :write-off, :convert-payment-status, nothing written; billing: done', async () => {
    const key = async (role: string) => withKey((await s.f.post('/apiKeys', { name: role, role })).apiKey);
    const [selfService, sales, billing] = [await key('self-service'), await key('sales'), await key('billing')];
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
    for (const headers of [selfService, sales]) {
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
