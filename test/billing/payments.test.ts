import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

let t: TestApp;
let f: Awaited<ReturnType<typeof orderFixture>>;
beforeAll(async () => {
  t = await testApp();
  f = await orderFixture(t, { today: '2023-06-22' });
});
afterAll(() => t.close());

const call = (method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, body?: unknown) => t.call(method, url, { body, headers: f.h });
/** An order whose first invoice is 10 × 9.9 × 9/30 = 29.70. */
async function invoice(activate = true) {
  const res = await call('POST', '/orders', { options: activate ? { activateInvoice: true } : { generateInvoice: true }, customer: { name: 'Payer' },
    lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] });
  return res.json().invoices[0].invoice as { id: string; amount: number };
}
const get = async (id: string) => (await call('GET', `/billing/invoices/${id}`)).json().invoice;

describe('paying invoices', () => {
  it('partial then full payment: balance and payment status follow', async () => {
    const inv = await invoice();
    expect(inv.amount).toBe(29.7);
    const first = await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 10, paymentSource: 'Check' }] });
    expect(first.statusCode).toBe(200);
    expect(first.json().paymentApplications[0]).toMatchObject({ invoiceId: inv.id, transactionAmount: 10, paymentMethod: 'Electronic', errorCode: null, paymentNumber: expect.stringMatching(/^PAY-\d{8}$/) });
    expect(await get(inv.id)).toMatchObject({ balance: 19.7, paymentStatus: 'PartialPaid' });
    await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: '19.70' }] });
    expect(await get(inv.id)).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
  });

  it('overpaying, paying a Draft and a bad amount are refused and change nothing', async () => {
    const inv = await invoice();
    const over = await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 30 }] });
    expect([over.statusCode, over.json().errorCode]).toEqual([409, 'OVERPAYMENT']);
    const draft = await invoice(false);
    const notActive = await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: draft.id, transactionAmount: 1 }] });
    expect([notActive.statusCode, notActive.json().errorCode]).toEqual([409, 'INVOICE_NOT_ACTIVE']);
    const neg = await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: -5 }] });
    expect(neg.statusCode).toBe(400);
    const nan = await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 'ten' }] });
    expect([nan.statusCode, nan.json().message]).toEqual([400, 'body/payInvoices/0/transactionAmount must be a decimal number']);
    // a batch fails whole: the good first line is not kept
    const batch = await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 5 }, { invoiceId: inv.id, transactionAmount: 100 }] });
    expect(batch.statusCode).toBe(409);
    expect(await get(inv.id)).toMatchObject({ balance: 29.7, paymentStatus: 'NotTransferred' });
  });

  it('refunds: by default a credit keeps the invoice settled; reopen gives the balance back; never more than was paid', async () => {
    const inv = await invoice();
    await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 29.7 }] });
    const tooMuch = await call('POST', '/billing/invoices:refund', { refundInvoices: [{ invoiceId: inv.id, transactionAmount: 30 }] });
    expect([tooMuch.statusCode, tooMuch.json().errorCode]).toEqual([409, 'REFUND_EXCEEDS_PAYMENTS']);
    await call('POST', '/billing/invoices:refund', { refundInvoices: [{ invoiceId: inv.id, transactionAmount: 9.7 }] });
    expect(await get(inv.id)).toMatchObject({ balance: 0, paymentStatus: 'PartialRefunded' });
    await call('POST', '/billing/invoices:refund', { refundInvoices: [{ invoiceId: inv.id, transactionAmount: 20, reopen: true }] });
    expect(await get(inv.id)).toMatchObject({ balance: 20, paymentStatus: 'Refunded' });
  });

  it('write-off takes the remaining balance; cancel-payments reopens it', async () => {
    const inv = await invoice();
    const paid = (await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 9.7 }] })).json();
    const off = await call('POST', '/billing/invoices:write-off', { writeOffInvoiceIds: [inv.id] });
    expect(off.json().paymentApplications[0]).toMatchObject({ transactionAmount: 20, paymentMethod: 'WriteOff' });
    expect(await get(inv.id)).toMatchObject({ balance: 0, paymentStatus: 'WrittenOff' });
    expect((await call('POST', '/billing/invoices:write-off', { writeOffInvoiceIds: [inv.id] })).json().errorCode).toBe('NOTHING_TO_WRITE_OFF');
    const reversed = await call('POST', '/billing/invoices:cancel-payments', { paymentIds: [paid.paymentApplications[0].paymentId] });
    expect(reversed.json().invoices).toEqual([{ id: inv.id, balance: 9.7, paymentStatus: 'NotTransferred' }]);
  });
});

describe('cancel, delete, patch', () => {
  it('cancels an unpaid invoice (its period counts as not billed), deletes only Canceled ones', async () => {
    const inv = await invoice();
    const delActive = await call('DELETE', '/billing/invoices:async-delete', { invoiceIds: [inv.id] });
    expect([delActive.statusCode, delActive.json().errorCode]).toEqual([409, 'INVOICE_NOT_CANCELED']);
    const canceled = await call('POST', '/billing/invoices:async-cancel', { invoiceIds: [inv.id] });
    expect(canceled.statusCode).toBe(201);
    expect(await get(inv.id)).toMatchObject({ status: 'Canceled', paymentStatus: 'Canceled' });
    const items = (await call('GET', `/billing/invoices/${inv.id}`)).json().items;
    expect(items.map((i: { status: string }) => i.status)).toEqual(['Canceled']);
    expect((await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 1 }] })).statusCode).toBe(409);
    expect((await call('DELETE', '/billing/invoices:async-delete', { invoiceIds: [inv.id] })).statusCode).toBe(201);
    expect((await call('GET', `/billing/invoices/${inv.id}`)).statusCode).toBe(404);
  });

  it('a paid invoice cannot be canceled', async () => {
    const inv = await invoice();
    await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 1 }] });
    const res = await call('POST', '/billing/invoices:async-cancel', { invoiceIds: [inv.id] });
    expect([res.statusCode, res.json().errorCode]).toEqual([409, 'INVOICE_PAID']);
  });

  it('patches descriptive fields; the invoice date only while Draft; amounts never', async () => {
    const draft = await invoice(false);
    const ok = await call('PATCH', `/billing/invoices/${draft.id}`, { invoiceDate: '2023-06-25', dueDate: '2023-08-01', poNumber: 'PO-1', customFields: { ref__c: 'x' } });
    expect(ok.json().invoice).toMatchObject({ invoiceDate: '2023-06-25', dueDate: '2023-08-01', poNumber: 'PO-1', customFields: { ref__c: 'x' } });
    const draftDescription = await call('PATCH', `/billing/invoices/${draft.id}`, { description: 'Draft seats', paymentDetails: 'Card on file' });
    expect([draftDescription.statusCode, draftDescription.json().invoice]).toEqual([200, expect.objectContaining({ status: 'Draft', description: 'Draft seats', paymentDetails: 'Card on file' })]);
    const active = await invoice();
    const frozen = await call('PATCH', `/billing/invoices/${active.id}`, { invoiceDate: '2023-06-25' });
    expect([frozen.statusCode, frozen.json().errorCode]).toEqual([409, 'INVOICE_FIELD_FROZEN']);
    const amount = await call('PATCH', `/billing/invoices/${active.id}`, { amount: 1 });
    expect([amount.statusCode, amount.json().errorCode]).toEqual([409, 'INVOICE_FIELD_FROZEN']);
    const bad = await call('PATCH', `/billing/invoices/${active.id}`, { dueDate: '2023-02-30' });
    expect(bad.statusCode).toBe(400);
    // non-monetary fields in Active too (seed 002 C): description, payment details, and any other
    // property as a custom field; a refusal writes nothing
    const descriptive = await call('PATCH', `/billing/invoices/${active.id}`, { description: 'June seats', paymentDetails: 'Wire to IBAN DE00 0000', note__c: 'vip', empty: false });
    expect(descriptive.statusCode).toBe(200);
    expect(descriptive.json().invoice).toMatchObject({ status: 'Active', description: 'June seats', paymentDetails: 'Wire to IBAN DE00 0000', customFields: { note__c: 'vip' } });
    const mixed = await call('PATCH', `/billing/invoices/${active.id}`, { description: 'never written', balance: 0 });
    expect([mixed.statusCode, mixed.json().errorCode, mixed.json().message]).toEqual([409, 'INVOICE_FIELD_FROZEN', 'body/balance cannot be changed on an invoice (amounts change through memos)']);
    const wrongType = await call('PATCH', `/billing/invoices/${active.id}`, { description: 7 });
    // the body schema answers it (a 400 naming the field) before the service reads it
    expect([wrongType.statusCode, wrongType.json().errorCode, wrongType.json().message]).toEqual([400, 'INVALID_FIELD', 'body/description must be string']);
    expect((await call('GET', `/billing/invoices/${active.id}`)).json().invoice.description).toBe('June seats');
  });
});
