import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

const s = orderSuite({ today: '2023-06-22' });
const { call } = s;
async function subscribe(name: string, extra: Record<string, unknown>[] = []) {
  await call('POST', '/test/clock', { today: '2023-06-22' });
  const o = (await call('POST', '/orders', { options: { activateInvoice: true }, customer: { name },
    lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' }, ...extra] })).json();
  return o;
}
const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${s.f.tenant.id}`.execute(s.t.rt.database.db)).rows[0]!.n);
const snapshot = async () => Object.fromEntries(await Promise.all(['orders', 'order_products', 'asset_versions', 'invoices', 'invoice_items', 'credit_memos'].map(async (x) => [x, await count(x)])));

describe('preview == commit', () => {
  it('the preview\'s lines, invoice and hash are what the commit writes; a stale hash is a 409', async () => {
    const o = await subscribe('Previewed');
    const sub = o.subscriptions[0].name;
    const body = { options: { activateInvoice: true }, assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 4, startDate: '2023-06-25' }] };
    const before = await snapshot();
    const preview = (await call('POST', '/cpq/change-order:preview', body)).json();
    expect(await snapshot()).toEqual(before);
    expect(preview.previewHash).toMatch(/^[0-9a-f]{64}$/);
    expect(preview.results[0]).toMatchObject({ assetNumber: sub, priceSummary: { todayChargePrice: 7.92 }, previewResult: { quantity: 5 } }); // 4 × 9.90 × 6/30
    const committed = (await call('POST', '/orders/change-orders', { ...body, options: { ...body.options, previewHash: preview.previewHash } })).json();
    const shape = (lines: any[]) => lines.map((l) => [l.lineType, l.quantity, l.totalPrice, l.deltaTCV, l.subscriptionStartDate]);
    expect(shape(committed.orderProducts)).toEqual(shape(preview.orderProducts));
    expect(committed.invoices[0].items.map((i: any) => [i.transactionAmount, i.startDate, i.endDate])).toEqual(preview.previewInvoices[0].items.map((i: any) => [i.transactionAmount, i.startDate, i.endDate]));
    expect(committed.previewHash).toBe(preview.previewHash);
    // the asset moved on: the old preview no longer holds
    const stale = await call('POST', '/orders/change-orders', { ...body, options: { ...body.options, previewHash: preview.previewHash } });
    expect([stale.statusCode, stale.json().errorCode]).toEqual([409, 'PREVIEW_STALE']);
  });

  it('previews take no document number: cart, invoice and change-order previews leave the next order and invoice numbers as they were', async () => {
    const o = await subscribe('Numbered');
    const digits = (x: string) => Number(x.replace(/\D/g, ''));
    const line = { productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12, subscriptionStartDate: '2023-06-22' };
    const change = { assetChanges: [{ assetNumber: o.subscriptions[0].name, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-25' }] };
    const before = await snapshot();
    for (let i = 0; i < 2; i++) {
      const cartPreview = await call('POST', '/orders/invoices:preview', { customerId: o.order.customerId, lines: [line] });
      const changePreview = await call('POST', '/cpq/change-order:preview', { options: { previewInvoice: true }, ...change });
      expect([cartPreview.statusCode, changePreview.statusCode]).toEqual([200, 200]);
      expect(cartPreview.json()[0].invoice.name).toBeNull();
      expect(changePreview.json().previewInvoices.map((p: any) => p.invoice.name)).toEqual([null]);
    }
    expect(await snapshot()).toEqual(before);
    const committed = (await call('POST', '/orders/change-orders', { options: { activateInvoice: true }, ...change })).json();
    expect(digits(committed.order.orderNumber) - digits(o.order.orderNumber)).toBe(1);
    expect(digits(committed.invoices[0].invoice.name) - digits(o.invoices[0].invoice.name)).toBe(1);
  });

  it('a Draft change order (the cart) activates later as planned, or answers PREVIEW_STALE when the asset changed', async () => {
    const o = await subscribe('Cart');
    const sub = o.subscriptions[0].name;
    const cart = (await call('POST', '/orders/change-orders', { options: { activateOrder: false, previewInvoice: true },
      assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] })).json();
    expect(cart.order).toMatchObject({ status: 'Draft', orderType: 'Change' });
    expect(cart.previewInvoices[0].invoice.amount).toBe(2.97);
    expect(cart.subscriptions).toEqual([]);
    const activated = await call('POST', `/orders/${cart.order.id}:activate`, { activateInvoice: true });
    expect(activated.statusCode, activated.body).toBe(200);
    expect(activated.json().order.status).toBe('Activated');
    expect(activated.json().subscriptions[0]).toMatchObject({ subscriptionVersion: 2, quantity: 2 });
    expect(activated.json().invoices[0].invoice).toMatchObject({ status: 'Active', amount: 2.97 });
    const cart2 = (await call('POST', '/orders/change-orders', { options: { activateOrder: false },
      assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] })).json();
    await call('POST', '/orders/change-orders', { options: { activateOrder: true }, assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-06-22' }] });
    const stale = await call('POST', `/orders/${cart2.order.id}:activate`, {});
    expect([stale.statusCode, stale.json().errorCode]).toEqual([409, 'PREVIEW_STALE']);
  });
});

describe('races and bad input', () => {
  it('two change orders racing on one asset: exactly one wins, the other is a 409; no version gap', async () => {
    const o = await subscribe('Raced');
    const sub = o.subscriptions[0].name;
    // all four commit the same preview: each was planned against version 1
    const change = { assetNumber: sub, changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-06-22' };
    const { previewHash } = (await call('POST', '/cpq/change-order:preview', { assetChanges: [change] })).json();
    const results = await Promise.all([1, 2, 3, 4].map(() => call('POST', '/orders/change-orders', { options: { activateOrder: true, previewHash }, assetChanges: [change] })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 200)) {
      expect(r.statusCode).toBe(409);
      expect(['PREVIEW_STALE', 'ASSET_CHANGED']).toContain(r.json().errorCode);
    }
    const versions = (await sql<{ version: number }>`select version from asset_versions where tenant_id = ${s.f.tenant.id} and asset_number = ${sub} order by version`.execute(s.t.rt.database.db)).rows;
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('bad changes are 400/409s naming the change, and write nothing', async () => {
    const o = await subscribe('Bad');
    const sub = o.subscriptions[0].name;
    const before = await snapshot();
    const cases: [unknown, number, string][] = [
      [{ assetChanges: [] }, 400, 'INVALID_FIELD'],
      [{ assetChanges: [{ assetNumber: 'SUB-999999', changeType: 'Cancel', cancellationDate: '2023-07-01' }] }, 400, 'UNKNOWN_ASSET'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'Explode' }] }, 400, 'INVALID_FIELD'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: -2, startDate: '2023-07-01' }] }, 400, 'QUANTITY_BELOW_ZERO'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-05-01' }] }, 409, 'STALE_CHANGE'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2024-07-01' }] }, 400, 'CHANGE_OUTSIDE_TERM'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'Cancel', cancellationDate: '2024-08-01' }] }, 400, 'CHANGE_OUTSIDE_TERM'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1 }, { assetNumber: sub, changeType: 'UpdateQuantity', quantity: 2 }] }, 400, 'DUPLICATE_CHANGE'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'Cancel', cancellationDate: '2023-08-01' }, { assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-09-01' }] }, 400, 'CHANGE_AFTER_CANCELLATION'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateTerm', term: -12 }] }, 400, 'TERM_TOO_SHORT'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1, startDate: '2023-07-01' }, { assetNumber: sub, changeType: 'AdjustPrice', netSalesPrice: 5, startDate: '2023-08-01' }] }, 400, 'CONFLICTING_DATES'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'ConvertFreeTrial' }] }, 409, 'NOT_IN_TRIAL'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'Cancel', coTermDate: '2023-08-01' }] }, 400, 'INVALID_FIELD'],
      [{ assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 'lots' }] }, 400, 'INVALID_AMOUNT'],
      [{ options: { previewHash: 'nope' }, assetChanges: [{ assetNumber: sub, changeType: 'UpdateQuantity', quantity: 1 }] }, 400, 'INVALID_FIELD'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call('POST', '/orders/change-orders', body);
      expect([res.statusCode, res.json().errorCode], JSON.stringify(body)).toEqual([status, code]);
      expect(res.json().message, JSON.stringify(body)).toEqual(expect.any(String));
    }
    const named = await call('POST', '/orders/change-orders', cases[3]![0]);
    expect(named.json().message).toContain('body/assetChanges/0/quantity');
    expect(await snapshot()).toEqual(before);
  });

  it('assets and entitlements change by number too: one more security key bills its price', async () => {
    const o = await subscribe('Hardware', [{ productId: s.f.ids.key, quantity: 1 }]);
    const key = o.assets[0];
    const co = (await call('POST', '/orders/change-orders', { options: { activateInvoice: true }, assetChanges: [{ assetNumber: key.name, changeType: 'UpdateQuantity', quantity: 2, startDate: '2023-06-22' }] })).json();
    expect(co.assets[0]).toMatchObject({ assetVersion: 2, quantity: 3, totalPrice: 147 });
    expect(co.invoices[0].items.map((i: any) => [i.assetType, i.transactionQuantity, i.transactionAmount])).toEqual([['Asset', 2, 98]]);
  });
});
