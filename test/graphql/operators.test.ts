import { beforeAll, describe, expect, it } from 'vitest';
import { orderSuite } from '../orders/support.js';

// Every operator against plain JavaScript filtering of the same rows; hostile input stays inert;
// every way of sending a query; errors with locations, never a 500.
const s = orderSuite({ today: '2023-06-22' });
const post = (body: unknown, headers: Record<string, string> = {}) => s.t.call('POST', '/async/graphql', { body: body as never, headers: { ...s.f.h, ...headers } });
const gql = async (query: string, variables?: Record<string, unknown>) => (await post({ query, variables })).json();

interface Row { orderNumber: string; totalAmount: number; effectiveDate: string; cancelOnPaymentFail: boolean; description: string | null; customerId: string }
let rows: Row[];
beforeAll(async () => {
  const quantities = [1, 2, 3, 5, 8];
  for (const [i, q] of quantities.entries()) {
    await s.f.post('/test/clock', { today: `2023-0${6 + (i % 3)}-1${i}` });
    await s.f.post('/orders', { options: { activateOrder: true, cancelOnPaymentFail: i % 2 === 0 }, customer: { name: `Op ${i}` }, description: i === 4 ? null : `order ${i}%`,
      lines: [{ productId: s.f.ids.platform, quantity: q, subscriptionTerm: 12 }] });
  }
  rows = (await gql('{ Order(orderBy: {orderNumber: asc}) { orderNumber totalAmount effectiveDate cancelOnPaymentFail description customerId } }')).data.Order;
  expect(rows).toHaveLength(5);
});

const numbers = async (where: string) => {
  const r = await gql(`{ Order(where: ${where}, orderBy: {orderNumber: asc}) { orderNumber } }`);
  expect(r.errors, where).toBeUndefined();
  return r.data.Order.map((o: Row) => o.orderNumber);
};
const expected = (f: (r: Row) => boolean) => rows.filter(f).map((r) => r.orderNumber);

describe('operators', () => {
  it('_eq _neq _gt _gte _lt _lte _in _nin _like _ilike _is_null _and _or _not', async () => {
    const t = rows[2]!.totalAmount;
    const d = rows[2]!.effectiveDate;
    const cases: [string, (r: Row) => boolean][] = [
      [`{totalAmount: {_eq: ${t}}}`, (r) => r.totalAmount === t],
      [`{totalAmount: {_neq: ${t}}}`, (r) => r.totalAmount !== t],
      [`{totalAmount: {_gt: ${t}}}`, (r) => r.totalAmount > t],
      [`{totalAmount: {_gte: ${t}}}`, (r) => r.totalAmount >= t],
      [`{totalAmount: {_lt: ${t}}}`, (r) => r.totalAmount < t],
      [`{totalAmount: {_lte: ${t}}}`, (r) => r.totalAmount <= t],
      [`{effectiveDate: {_gt: "${d}"}}`, (r) => r.effectiveDate > d],
      [`{orderNumber: {_in: ["${rows[0]!.orderNumber}", "${rows[4]!.orderNumber}"]}}`, (r) => [rows[0]!.orderNumber, rows[4]!.orderNumber].includes(r.orderNumber)],
      [`{orderNumber: {_nin: ["${rows[0]!.orderNumber}"]}}`, (r) => r.orderNumber !== rows[0]!.orderNumber],
      ['{description: {_like: "order _\\\\%"}}', (r) => /^order .%$/.test(r.description ?? '')],
      ['{description: {_ilike: "ORDER 1%"}}', (r) => (r.description ?? '').toLowerCase().startsWith('order 1')],
      ['{description: {_is_null: true}}', (r) => r.description === null],
      ['{description: {_is_null: false}}', (r) => r.description !== null],
      ['{cancelOnPaymentFail: {_eq: true}}', (r) => r.cancelOnPaymentFail],
      [`{_and: [{totalAmount: {_gt: ${rows[0]!.totalAmount}}}, {totalAmount: {_lt: ${rows[4]!.totalAmount}}}]}`, (r) => r.totalAmount > rows[0]!.totalAmount && r.totalAmount < rows[4]!.totalAmount],
      [`{_or: [{totalAmount: {_eq: ${rows[0]!.totalAmount}}}, {cancelOnPaymentFail: {_eq: false}}]}`, (r) => r.totalAmount === rows[0]!.totalAmount || !r.cancelOnPaymentFail],
      ['{_not: {description: {_is_null: true}}}', (r) => r.description !== null],
      [`{customer: {name: {_in: ["Op 1", "Op 3"]}}}`, (r) => ['Op 1', 'Op 3'].includes(rows.indexOf(r) === 1 ? 'Op 1' : rows.indexOf(r) === 3 ? 'Op 3' : '')],
    ];
    for (const [where, f] of cases) expect(await numbers(where), where).toEqual(expected(f));
  });

  it('string values and names are inert: no injection, no error leaks', async () => {
    for (const evil of ["x' or '1'='1", "'); drop table orders; --", '\\"; select 1; --', 'Robert\'); DROP TABLE customers;--']) {
      const r = await gql('query ($v: String) { Order(where: {description: {_eq: $v}}) { orderNumber } }', { v: evil });
      expect(r).toEqual({ data: { Order: [] } });
    }
    const names = await gql('{ Order(where: {"description; drop table orders": {_eq: "x"}}) { id } }');
    expect(names.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await gql('{ Order(where: {nope: {_eq: "x"}}) { id } }');
    expect(unknown.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, locations: [{ line: 1, column: 17 }] }); // at `nope`
    expect((await gql('{ Order { id } }')).data.Order).toHaveLength(5);
  });
});

describe('HTTP', () => {
  const q = '{ Order(limit: 1) { orderNumber } }';
  it('answers GET with the query string, POST with JSON or the raw query, at every path', async () => {
    for (const path of ['/async/graphql', '/orders/async/graphql', '/usage/async/graphql', '/revenue/async/graphql']) {
      const get = await s.t.call('GET', `${path}?query=${encodeURIComponent('query Q($n: Int) { Order(limit: $n) { orderNumber } }')}&variables=${encodeURIComponent('{"n": 2}')}&operationName=Q`, { headers: s.f.h });
      expect(get.json().data.Order, path).toHaveLength(2);
      const raw = await s.t.call('POST', path, { payload: q, headers: { ...s.f.h, 'content-type': 'text/plain' } });
      expect(raw.json().data.Order, path).toHaveLength(1);
    }
    expect((await post(q)).json().data.Order).toHaveLength(1); // a JSON string body is the raw query
  });

  it('a bad query is a GraphQL error with locations (200); no query at all is a 400; limits are enforced', async () => {
    const bad = await post({ query: '{ Order { nope } }' });
    expect(bad.statusCode).toBe(200);
    expect(bad.json().errors[0]).toMatchObject({ message: expect.stringContaining('nope'), locations: [{ line: 1, column: 11 }] });
    expect((await post({ query: '{ Order(limit: "x") { id } }' })).json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post({ query: '{ Order { id ' })).json().errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((await post({ query: 'mutation { Order { id } }' })).json().errors).toBeDefined();
    const none = await post({ variables: {} });
    expect([none.statusCode, none.json().errorCode]).toEqual([400, 'INVALID_FIELD']);
    const vars = await post({ query: '{ Order { id } }', variables: 'nope' });
    expect(vars.statusCode).toBe(400);
    const deep = '{ Order { customer { orders { customer { orders { customer { orders { id } } } } } } } }';
    expect((await post({ query: deep })).json().errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect((await post({ query: '{ Order(limit: 100000) { id } }' })).json().errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect((await post({ query: '{ Order(where: {effectiveDate: {_gt: "yesterday"}}) { id } }' })).json().errors[0].extensions.code).toBe('INVALID_FILTER');
    const page = await s.t.call('GET', '/graphql');
    expect([page.statusCode, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain('/async/graphql');
  });
});
