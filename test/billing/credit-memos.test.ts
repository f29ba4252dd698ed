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
const customer = async (name: string) => (await call('POST', '/orders/customers', [{ name }])).json()[0].id as string;
/** An order for the customer whose first invoice (Active unless said) is 10 × 9.9 × 9/30 = 29.70. */
const invoiceFor = async (customerId: string, options: Record<string, unknown> = { activateInvoice: true }) =>
  (await call('POST', '/orders', { options, customerId, lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json().invoices[0].invoice;
const memo = async (customerId: string, amount: number, status = 'Active') => (await call('POST', '/billing/credit-memos', { customerId, amount, status, reason: 'Goodwill' })).json();

describe('credit memos', () => {
  it('apply and unapply: balances move on both sides, never below zero', async () => {
    const c = await customer('Credited');
    const inv = await invoiceFor(c);
    const m = await memo(c, 50);
    expect(m).toMatchObject({ status: 'Active', amount: 50, balance: 50, creditMemoNumber: expect.stringMatching(/^CM-\d{8}$/), paymentStatus: 'NotTransferred' });
    const over = await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [{ invoiceId: inv.id, creditMemoId: m.id, transactionAmount: 30 }] });
    expect([over.statusCode, over.json().errorCode]).toEqual([409, 'OVER_APPLIED']);
    const ok = await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [{ invoiceId: inv.id, creditMemoId: m.id, transactionAmount: 20 }] });
    expect(ok.json().paymentApplications[0]).toMatchObject({ invoiceId: inv.id, creditMemoId: m.id, transactionAmount: 20 });
    expect((await call('GET', `/billing/credit-memos/${m.id}`)).json()).toMatchObject({ balance: 30, paymentStatus: 'PartiallyApplied' });
    expect((await call('GET', `/billing/invoices/${inv.id}`)).json().invoice).toMatchObject({ balance: 9.7, paymentStatus: 'PartiallyApplied' });
    expect((await call('GET', `/billing/credit-memos/${m.id}/invoices`)).json()).toEqual([{ invoiceId: inv.id, invoiceNumber: inv.name, appliedAmount: 20 }]);
    expect((await call('GET', `/billing/invoices/${inv.id}/credit-memos`)).json().map((x: any) => [x.id, x.appliedAmount])).toEqual([[m.id, 20]]);
    const tooMuch = await call('POST', '/billing/credit-memos:unapply', { unappliedInvoices: [{ invoiceId: inv.id, creditMemoId: m.id, transactionAmount: 25 }] });
    expect(tooMuch.json().errorCode).toBe('OVER_UNAPPLIED');
    await call('POST', '/billing/credit-memos:unapply', { unappliedInvoices: [{ invoiceId: inv.id, creditMemoId: m.id, transactionAmount: 5 }] });
    expect((await call('GET', `/billing/credit-memos/${m.id}`)).json().balance).toBe(35);
    expect((await call('GET', `/billing/invoices/${inv.id}`)).json().invoice.balance).toBe(14.7);
    const applied = await call('POST', '/billing/credit-memos:async-cancel', { creditMemoIds: [m.id] });
    expect(applied.json().errorCode).toBe('CREDIT_MEMO_APPLIED');
  });

  it('open credit applies by itself, oldest first, to each newly activated invoice', async () => {
    const c = await customer('Auto');
    const older = await memo(c, 10);
    const newer = await memo(c, 50);
    const inv = await invoiceFor(c);
    expect(inv).toMatchObject({ amount: 29.7, balance: 0, paymentStatus: 'CreditBack' });
    expect((await call('GET', `/billing/credit-memos/${older.id}`)).json()).toMatchObject({ balance: 0, paymentStatus: 'Applied' });
    expect((await call('GET', `/billing/credit-memos/${newer.id}`)).json()).toMatchObject({ balance: 30.3, paymentStatus: 'PartiallyApplied' });
    const draft = await invoiceFor(c, { generateInvoice: true });
    expect(draft.balance).toBe(29.7); // Drafts are not credited
    const [activated] = (await call('POST', '/billing/invoices:activate', { invoiceIds: [draft.id] })).json();
    expect(activated.invoice).toMatchObject({ balance: 0 });
    expect((await call('GET', `/billing/credit-memos/${newer.id}`)).json().balance).toBe(0.6);
  });

  it('a checkout charges only what open credit does not cover', async () => {
    const c = await customer('Partly credited');
    await memo(c, 20);
    const res = (await call('POST', '/orders', { options: { activateInvoice: true }, customerId: c, paymentMethod: { token: 'pm_card_visa' },
      lines: [{ productId: f.ids.platform, quantity: 10, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }] })).json();
    expect(res.payment).toMatchObject({ status: 'Succeeded', amount: 9.7 });
    expect(res.invoices[0].invoice).toMatchObject({ balance: 0, paymentStatus: 'Paid' });
  });

  it('a refund issues a credit memo applied to the invoice', async () => {
    const c = await customer('Refunded');
    const inv = await invoiceFor(c);
    await call('POST', '/billing/invoices:pay', { payInvoices: [{ invoiceId: inv.id, transactionAmount: 29.7 }] });
    await call('POST', '/billing/invoices:refund', { refundInvoices: [{ invoiceId: inv.id, transactionAmount: 10 }] });
    const memos = (await call('GET', `/billing/invoices/${inv.id}/credit-memos`)).json();
    expect(memos.map((m: any) => [m.source, m.amount, m.balance, m.appliedAmount, m.sourceInvoiceId])).toEqual([['PaymentOperation', 10, 0, 10, inv.id]]);
    expect((await call('GET', `/billing/invoices/${inv.id}`)).json().invoice).toMatchObject({ balance: 0, paymentStatus: 'PartialRefunded' });
  });

  it('lifecycle: Draft → Active, cancel, delete only Canceled, patch what is not money', async () => {
    const c = await customer('Lifecycle');
    const m = await memo(c, 5, 'Draft');
    expect(m.status).toBe('Draft');
    expect((await call('PATCH', `/billing/credit-memos/${m.id}`, { creditMemoDate: '2023-06-30', customFields: { x__c: 1 } })).json()).toMatchObject({ creditMemoDate: '2023-06-30', customFields: { x__c: 1 } });
    expect((await call('PATCH', `/billing/credit-memos/${m.id}`, { amount: 1 })).json().errorCode).toBe('CREDIT_MEMO_FIELD_FROZEN');
    expect((await call('DELETE', '/billing/credit-memos:async-delete', { creditMemoIds: [m.id] })).json().errorCode).toBe('CREDIT_MEMO_NOT_CANCELED');
    expect((await call('POST', '/billing/credit-memos:activate', { creditMemoIds: [m.id] })).json()[0].status).toBe('Active');
    expect((await call('POST', '/billing/credit-memos:activate', { creditMemoIds: [m.id] })).statusCode).toBe(409);
    expect((await call('POST', '/billing/credit-memos:async-cancel', { creditMemoIds: [m.id] })).statusCode).toBe(200);
    expect((await call('DELETE', '/billing/credit-memos:async-delete', { creditMemoIds: [m.id] })).statusCode).toBe(200);
    expect((await call('GET', `/billing/credit-memos/${m.id}`)).statusCode).toBe(404);
    const bad = await call('POST', '/billing/credit-memos', { customerId: '00000000-0000-4000-8000-000000000000', amount: 5 });
    expect(bad.statusCode).toBe(404);
    const neg = await call('POST', '/billing/credit-memos', { customerId: c, amount: -5 });
    expect(neg.statusCode).toBe(400);
  });
});

describe('what a memo was applied to, and what was applied to an invoice', () => {
  it('sums live applications per document (reversed ones drop out), invoices by number, memos oldest first', async () => {
    const c = await customer('Listed');
    const first = await invoiceFor(c);
    const second = await invoiceFor(c);
    const older = await memo(c, 50);
    const newer = await memo(c, 20);
    const line = (m: any, inv: any, amount: number) => ({ creditMemoId: m.id, invoiceId: inv.id, transactionAmount: amount });
    await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [line(older, first, 10), line(older, first, 5), line(older, second, 20), line(newer, first, 7)] });
    expect((await call('GET', `/billing/credit-memos/${older.id}/invoices`)).json())
      .toEqual([{ invoiceId: first.id, invoiceNumber: first.name, appliedAmount: 15 }, { invoiceId: second.id, invoiceNumber: second.name, appliedAmount: 20 }]);
    expect((await call('GET', `/billing/invoices/${first.id}/credit-memos`)).json().map((x: any) => [x.id, x.appliedAmount])).toEqual([[older.id, 15], [newer.id, 7]]);
    expect((await call('GET', `/billing/credit-memos/${older.id}/debit-memos`)).json()).toEqual([]);
    await call('POST', '/billing/credit-memos:unapply', { unappliedInvoices: [line(older, first, 15)] });
    expect((await call('GET', `/billing/credit-memos/${older.id}/invoices`)).json()).toEqual([{ invoiceId: second.id, invoiceNumber: second.name, appliedAmount: 20 }]);
    expect((await call('GET', `/billing/invoices/${first.id}/credit-memos`)).json().map((x: any) => [x.id, x.appliedAmount])).toEqual([[newer.id, 7]]);
  });
});

describe('credit memos on debit memos', () => {
  it('apply to an Active debit memo, list it, unapply; never past either balance', async () => {
    const c = await customer('Late fee credited');
    const dm = (await call('POST', '/billing/debit-memos', { debitMemo: { customerId: c, amount: '100', taxAmount: '0', chargeReason: 'LateFee', status: 'Active' } })).json();
    const m = await memo(c, 60);
    const line = (amount: number) => ({ debitMemoId: dm.id, creditMemoId: m.id, transactionAmount: amount });
    const over = await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [line(61)] });
    expect([over.statusCode, over.json().errorCode]).toEqual([409, 'OVER_APPLIED']);
    const ok = (await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [line(45.5)] })).json();
    expect(ok.paymentApplications[0]).toMatchObject({ invoiceId: null, debitMemoId: dm.id, creditMemoId: m.id, transactionAmount: 45.5 });
    expect((await call('GET', `/billing/debit-memos/${dm.id}`)).json()).toMatchObject({ balance: 54.5, paymentStatus: 'PartiallyApplied' });
    expect((await call('GET', `/billing/credit-memos/${m.id}`)).json()).toMatchObject({ balance: 14.5, paymentStatus: 'PartiallyApplied' });
    const listed = (await call('GET', `/billing/credit-memos/${m.id}/debit-memos`)).json();
    expect(listed.map((x: any) => [x.id, x.appliedAmount])).toEqual([[dm.id, 45.5]]);
    expect((await call('POST', '/billing/debit-memos/cancel', { debitMemoIds: [dm.id] })).json().errorCode).toBe('DEBIT_MEMO_CREDITED');
    const both = await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [{ ...line(1), invoiceId: '00000000-0000-4000-8000-000000000000' }] });
    expect([both.statusCode, both.json().errorCode]).toEqual([400, 'INVALID_FIELD']);
    expect((await call('POST', '/billing/credit-memos:unapply', { unappliedInvoices: [line(50)] })).json().errorCode).toBe('OVER_UNAPPLIED');
    await call('POST', '/billing/credit-memos:unapply', { unappliedInvoices: [line(45.5)] });
    expect((await call('GET', `/billing/debit-memos/${dm.id}`)).json()).toMatchObject({ balance: 100, paymentStatus: 'NotTransferred' });
    expect((await call('GET', `/billing/credit-memos/${m.id}`)).json()).toMatchObject({ balance: 60, paymentStatus: 'NotTransferred' });
    expect((await call('GET', `/billing/credit-memos/${m.id}/debit-memos`)).json()).toEqual([]);
    const draft = (await call('POST', '/billing/debit-memos', { debitMemo: { customerId: c, amount: '5' } })).json();
    const notActive = await call('POST', '/billing/credit-memos:apply', { appliedInvoices: [{ debitMemoId: draft.id, creditMemoId: m.id, transactionAmount: 1 }] });
    expect(notActive.json().errorCode).toBe('DEBIT_MEMO_NOT_ACTIVE');
  });
});
