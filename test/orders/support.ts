import { afterAll, beforeAll } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

/** A sandbox tenant with a test clock, a User/Month UOM, a self-service price book and a priced product. */
export async function orderFixture(t: TestApp, o: { today?: string; listPrice?: string; defaultSubscriptionTerm?: number } = {}) {
  const tenant = await t.newTenant({ sandbox: true });
  const h = withKey(tenant.apiKey);
  const post = async (url: string, body: unknown) => {
    const res = await t.call('POST', url, { body, headers: h });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  if (o.today) await post('/test/clock', { today: o.today });
  const uom = await post('/objects/Uom', { name: 'User/Month', quantityDimension: 'User', termDimension: 'Month' });
  const each = await post('/objects/Uom', { name: 'Each', quantityDimension: 'Each' });
  const book = await post('/objects/PriceBook', { name: 'Self-Service', selfServiceEnabled: true, standard: true });
  const entry = (uomId: string, listPrice: string) => ({ priceBookId: book.id, uomId, currencyIsoCode: 'USD', listPrice });
  const products = await post('/objects/composite/ProductList', { persistentObjects: [
    { referenceId: 'platform', content: { name: 'Nue Platform', sku: 'NUE-PLATFORM', status: 'Active', uomId: uom.id, defaultSubscriptionTerm: o.defaultSubscriptionTerm ?? 12, defaultRenewalTerm: 12, priceBookEntries: [{ ...entry(uom.id, o.listPrice ?? '9.90'), referenceId: 'platformEntry' }] } },
    { referenceId: 'key', content: { name: 'Security Key', sku: 'KEY', status: 'Active', productType: 'Physical Good', priceModel: 'One-Time', uomId: each.id, priceBookEntries: [entry(each.id, '49')] } },
    { referenceId: 'onboarding', content: { name: 'Onboarding', sku: 'ONBOARD', recordType: 'Service', status: 'Active', priceModel: 'One-Time', uomId: each.id, priceBookEntries: [entry(each.id, '150')] } },
    { referenceId: 'draft', content: { name: 'Not yet', sku: 'DRAFT', status: 'Draft', uomId: uom.id, priceBookEntries: [entry(uom.id, '5')] } },
    { referenceId: 'bundle', content: {
      name: 'Growth', sku: 'GROWTH', recordType: 'Bundle', configurable: true, status: 'Active', uomId: uom.id, defaultSubscriptionTerm: 12,
      priceBookEntries: [entry(uom.id, '29')],
      productOptions: [
        { optionProductId: '@{onboarding}', optionOrder: 1, required: true, bundled: true, defaultQuantity: 4, minQuantity: 4, maxQuantity: 4, referenceId: 'optOnboarding' },
        { optionProductId: '@{key}', optionOrder: 2, independentPricing: true, defaultQuantity: 0, minQuantity: 0, maxQuantity: 10, referenceId: 'optKey' },
      ],
    } },
  ] });
  const ids = Object.fromEntries(products.filter((p: { referenceId: string | null }) => p.referenceId).map((p: { referenceId: string; id: string }) => [p.referenceId, p.id]));
  return { tenant, h, post, uom, each, book, ids };
}

/** A test file's app and order fixture, opened before its tests and closed after; `call` sends the fixture's key. */
export function orderSuite(o: Parameters<typeof orderFixture>[1] = {}) {
  const s = {} as { t: TestApp; f: Awaited<ReturnType<typeof orderFixture>> };
  beforeAll(async () => {
    s.t = await testApp();
    s.f = await orderFixture(s.t, o);
  });
  afterAll(() => s.t.close());
  return Object.assign(s, {
    call: (method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, body?: unknown) => s.t.call(method, url, { body, headers: s.f.h }),
  });
}
