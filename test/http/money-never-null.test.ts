import { getNamedType, isLeafType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA } from '../../src/graphql/schema.js';
import { testApp, type TestApp } from '../support/app.js';
import { orderFixture } from '../orders/support.js';

// Money is never null in an answer (0 where there is none): every money-named field of the main
// read answers, REST and GraphQL (every scalar field of every entity, read from the schema), holds
// a number.
let t: TestApp;
beforeAll(async () => { t = await testApp(); });
afterAll(() => t.close());

const MONEY = /(amount|balance|price|total|tax|arr|cmrr|tcv|acv|discount|shippingAndHandling|credit)$/i;
const NOT_MONEY = /(id|number|date|time|percentage|code|status|mode|type|name|term|reason)$/i;

function nullMoney(v: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => nullMoney(x, `${path}/${i}`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (x === null && MONEY.test(k) && !NOT_MONEY.test(k)) out.push(`${path}/${k}`);
      else nullMoney(x, `${path}/${k}`, out);
    }
  }
  return out;
}

describe('money is never null', () => {
  it('in REST answers and in every GraphQL entity', async () => {
    const f = await orderFixture(t, { today: '2023-06-22' });
    const placed = await f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Nulls' }, lines: [{ productId: f.ids.platform, quantity: 2, subscriptionTerm: 12 }] });
    const customerId = placed.order.customerId;
    const memo = await f.post('/billing/credit-memos', { customerId, amount: 5, status: 'Active' });
    const get = async (url: string) => (await t.call('GET', url, { headers: f.h })).json();
    const answers: Record<string, unknown> = {
      order: await get(`/orders/${placed.order.id}`),
      customer: await get(`/orders/customers/${customerId}`),
      subscription: await get(`/orders/subscriptions/${placed.subscriptions[0].id}`),
      invoice: await get(`/billing/invoices/${placed.invoices[0].invoice.id}`),
      creditMemo: await get(`/billing/credit-memos/${(memo.creditMemo ?? memo).id}`),
    };
    expect(Object.entries(answers).flatMap(([k, v]) => nullMoney(v, k, []))).toEqual([]);

    const found: string[] = [];
    const query = SCHEMA.getQueryType()!.getFields();
    for (const root of Object.values(query).filter((r) => /^[A-Z]/.test(r.name))) {
      const type = getNamedType(root.type);
      if (!isObjectType(type)) continue;
      const scalars = Object.values(type.getFields()).filter((x) => isLeafType(getNamedType(x.type))).map((x) => x.name);
      if (scalars.length === 0) continue; // aggregates: their figures sit one level down
      const res = (await t.call('POST', '/async/graphql', { headers: f.h, body: { query: `{ ${root.name}(limit: 20) { ${scalars.join(' ')} } }` } })).json();
      expect(res.errors, root.name).toBeUndefined();
      nullMoney(res.data, 'graphql', found);
    }
    expect(found).toEqual([]);
  });
});
