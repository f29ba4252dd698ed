import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, withKey, type TestApp } from '../support/app.js';

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp();
  key = (await t.newTenant()).apiKey;
});
afterAll(() => t.close());

const errorShape = (body: Record<string, unknown>) =>
  expect(Object.keys(body).sort()).toEqual(['errorCode', 'errorType', 'message', 'title']);

describe('error bodies', () => {
  it('unknown route is a 404 with the error shape', async () => {
    const res = await t.call('GET', '/no/such/route', { headers: withKey(key) });
    expect(res.statusCode).toBe(404);
    errorShape(res.json());
    expect(res.json().errorCode).toBe('ROUTE_NOT_FOUND');
  });

  it('a path under /orders/ that is no route is ROUTE_NOT_FOUND; an order id that names nothing is ORDER_NOT_FOUND', async () => {
    for (const [method, url] of [['GET', '/orders/quotes'], ['POST', '/orders/quotes'], ['DELETE', '/orders/quotes'], ['PATCH', '/orders/quotes']] as const) {
      const res = await t.call(method, url, { headers: withKey(key), ...(method === 'POST' && { body: {} }) });
      expect([res.statusCode, res.json().errorCode, res.json().message]).toEqual([404, 'ROUTE_NOT_FOUND', `No route ${method} /orders/quotes`]);
    }
    // the message names the path as it was sent (a verb after a colon, a /v1 prefix)
    const verb = await t.call('POST', '/v1/orders/quotes:preview', { headers: withKey(key), body: {} });
    expect([verb.statusCode, verb.json().errorCode, verb.json().message]).toEqual([404, 'ROUTE_NOT_FOUND', 'No route POST /v1/orders/quotes:preview']);
    const missing = await t.call('GET', '/orders/00000000-0000-4000-8000-000000000000', { headers: withKey(key) });
    expect([missing.statusCode, missing.json().errorCode]).toEqual([404, 'ORDER_NOT_FOUND']);
  });

  it('malformed JSON is a 400 MALFORMED_JSON, not a 500', async () => {
    const res = await t.call('POST', '/apiKeys', { payload: '{"name": "x",', headers: { ...withKey(key), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    errorShape(res.json());
    expect(res.json()).toMatchObject({ errorCode: 'MALFORMED_JSON', errorType: 'ValidationError', title: 'Bad Request' });
  });

  it('a bodiless POST or DELETE that says content-type: application/json has no body, not a malformed one', async () => {
    const h = { ...withKey(key), 'content-type': 'application/json' };
    const created = await t.call('POST', '/apiKeys', { body: { name: 'to revoke', role: 'read-only' }, headers: withKey(key) });
    expect(created.statusCode).toBeLessThan(300);
    const revoked = await t.call('DELETE', `/apiKeys/${created.json().id}`, { payload: '', headers: h });
    expect(revoked.statusCode).toBeLessThan(300);
    // a POST verb that takes no body, sent with the header and nothing (or only whitespace) after it
    const other = await t.call('POST', '/apiKeys', { body: { name: 'to revoke by verb', role: 'read-only' }, headers: withKey(key) });
    for (const payload of ['', ' ']) {
      const verb = await t.call('POST', `/apiKeys/${other.json().id}:revoke`, { payload, headers: h });
      expect([verb.statusCode, verb.json().id]).toEqual([200, other.json().id]);
    }
    // a route that needs a body names it
    const empty = await t.call('POST', '/apiKeys', { payload: '', headers: h });
    expect([empty.statusCode, empty.json().errorCode]).toEqual([400, 'INVALID_FIELD']);
    expect(empty.json().message).toMatch(/^body/);
    // and JSON that is there is still read strictly
    const poisoned = await t.call('POST', '/apiKeys', { payload: '{"__proto__": {"x": 1}, "name": "p", "role": "read-only"}', headers: h });
    expect(poisoned.statusCode).toBe(400);
  });

  it('NaN in a body is malformed JSON', async () => {
    const res = await t.call('PATCH', '/tenant', { payload: '{"settings": {"billCycleDay": NaN}}', headers: { ...withKey(key), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errorCode).toBe('MALFORMED_JSON');
  });

  it('a wrong type names the field', async () => {
    const res = await t.call('POST', '/apiKeys', { body: { name: 42, role: 'admin' }, headers: withKey(key) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errorCode: 'INVALID_FIELD', message: 'body/name must be string' });
  });

  it('a body that may be one of several shapes names the field that is wrong, not the shape it is not', async () => {
    // POST /orders/customers takes a list or one customer: a bad single customer says what is bad about it
    const one = await t.call('POST', '/orders/customers', { body: { name: 'C', billCycleDay: true }, headers: withKey(key) });
    expect([one.statusCode, one.json().errorCode, one.json().message]).toEqual([400, 'INVALID_FIELD', expect.stringMatching(/^body\/billCycleDay must be /)]);
    const inList = await t.call('POST', '/orders/customers', { body: [{ name: 'C' }, { name: 7 }], headers: withKey(key) });
    expect([inList.statusCode, inList.json().message]).toEqual([400, 'body/1/name must be string']);
    // a field that takes a number or a decimal string says both
    const rate = await t.call('POST', '/tax/rates', { body: { country: 'US', taxPercentage: true }, headers: withKey(key) });
    expect([rate.statusCode, rate.json().message]).toEqual([400, 'body/taxPercentage must be number or string']);
  });

  it('a missing field names the field', async () => {
    const res = await t.call('POST', '/apiKeys', { body: { name: 'k' }, headers: withKey(key) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('body/role is required');
  });

  it('an unknown enum value lists the allowed values', async () => {
    const res = await t.call('POST', '/apiKeys', { body: { name: 'k', role: 'superuser' }, headers: withKey(key) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('body/role must be equal to one of the allowed values: admin, catalog-admin, sales, billing, self-service, read-only, storefront');
  });

  it('negative and non-numeric query numbers are 400s naming the parameter', async () => {
    const neg = await t.call('GET', '/loginHistory?limit=-1', { headers: withKey(key) });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().message).toBe('querystring/limit must be >= 1');
    const nan = await t.call('GET', '/loginHistory?limit=NaN', { headers: withKey(key) });
    expect(nan.statusCode).toBe(400);
    expect(nan.json().message).toBe('querystring/limit must be integer');
  });

  it('a negative or fractional setting is a 400 and changes nothing', async () => {
    for (const bad of [-1, 0, 32, 1.5, '3']) {
      const res = await t.call('PATCH', '/tenant', { body: { settings: { 'Bill Cycle Day': bad } }, headers: withKey(key) });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('body/settings/Bill Cycle Day must be an integer from 1 to 31');
    }
    const tenant = await t.call('GET', '/tenant', { headers: withKey(key) });
    expect(tenant.json().settings.billCycleDay).toBe(1);
  });

  it('a body that is not an object is a 400', async () => {
    const res = await t.call('POST', '/apiKeys', { body: [1, 2], headers: withKey(key) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('body must be object');
  });

  it('an unsupported content type is a 415 with the error shape', async () => {
    const res = await t.call('POST', '/apiKeys', { payload: '<xml/>', headers: { ...withKey(key), 'content-type': 'application/xml' } });
    expect(res.statusCode).toBe(415);
    errorShape(res.json());
    expect(res.json().errorCode).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejected writes leave nothing behind', async () => {
    const before = (await t.call('GET', '/apiKeys', { headers: withKey(key) })).json().length;
    await t.call('POST', '/apiKeys', { body: { name: '', role: 'admin' }, headers: withKey(key) });
    await t.call('POST', '/apiKeys', { body: { name: 'x', role: 'nobody' }, headers: withKey(key) });
    await t.call('POST', '/users', { body: { userName: 'someone', password: 'short', roles: ['admin'] }, headers: withKey(key) });
    const after = (await t.call('GET', '/apiKeys', { headers: withKey(key) })).json().length;
    expect(after).toBe(before);
    const login = await t.call('POST', '/auth/token', { body: { userName: 'someone', password: 'short' } });
    expect(login.statusCode).toBe(401);
  });
});

describe('paths', () => {
  it('every path also answers under /v1', async () => {
    const a = await t.call('GET', '/tenant', { headers: withKey(key) });
    const b = await t.call('GET', '/v1/tenant', { headers: withKey(key) });
    expect(b.statusCode).toBe(200);
    expect(b.json()).toEqual(a.json());
  });

  it('routes colon verbs after a parameter', async () => {
    const created = (await t.call('POST', '/apiKeys', { body: { name: 'to revoke', role: 'read-only' }, headers: withKey(key) })).json();
    const res = await t.call('POST', `/apiKeys/${created.id}:revoke`, { headers: withKey(key) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: created.id, status: 'Revoked' });
    const encoded = await t.call('POST', `/v1/apiKeys/${created.id}%3Arevoke`, { headers: withKey(key) });
    expect(encoded.statusCode).toBe(200);
    const unknownVerb = await t.call('POST', `/apiKeys/${created.id}:explode`, { headers: withKey(key) });
    expect(unknownVerb.statusCode).toBe(404);
  });

  it('an id that is not a UUID is a 404, not a 500', async () => {
    const res = await t.call('DELETE', '/apiKeys/not-a-uuid', { headers: withKey(key) });
    expect(res.statusCode).toBe(404);
    expect(res.json().errorCode).toBe('API_KEY_NOT_FOUND');
  });
});

describe('operations endpoints', () => {
  it('answers health, readiness and metrics without credentials', async () => {
    expect((await t.call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.call('GET', '/readyz')).json()).toEqual({ status: 'ready' });
    const metrics = await t.call('GET', '/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('keel_http_request_duration_seconds_bucket');
  });

  it('publishes OpenAPI 3 with colon verbs as documented and the docs page', async () => {
    const spec = (await t.call('GET', '/openapi.json')).json();
    expect(spec.openapi).toBe('3.0.3');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/auth/token', '/oauth/token', '/apiKeys/{id}:revoke', '/test/clock']));
    const docs = await t.call('GET', '/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.call('GET', '/healthz');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('malformed URLs', () => {
  it('a bad percent-escape answers in the error shape', async () => {
    for (const url of ['/apiKeys/%25%3AA-', '/apiKeys/%E0%A4%A', '/objects/Product/%']) {
      const res = await t.call('GET', url, { headers: withKey(key) });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      errorShape(res.json());
    }
  });
});
