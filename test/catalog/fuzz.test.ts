import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OBJECTS, OBJECT_NAMES } from '../../src/catalog/objects.js';
import { testApp, withKey, type TestApp } from '../support/app.js';

// Bodies made of the registry's own field names with random values: never a 500, always the error shape.
let t: TestApp;
let h: Record<string, string>;
let someIds: string[];
beforeAll(async () => {
  t = await testApp();
  h = withKey((await t.newTenant()).apiKey);
  const uom = (await t.call('POST', '/objects/Uom', { body: { name: 'U', quantityDimension: 'Unit' }, headers: h })).json().id;
  const product = (await t.call('POST', '/objects/Product', { body: { name: 'P', sku: 'FUZZ-P' }, headers: h })).json().id;
  someIds = [uom, product, '00000000-0000-4000-8000-000000000000'];
});
afterAll(() => t.close());

const value = () => fc.oneof(
  fc.anything({ maxDepth: 1 }), fc.integer({ min: -5, max: 1e6 }), fc.double(), fc.constantFrom('2024-02-29', '2023-02-30', 'USD', 'In Advance', 'recurring', '1e5', '-0.5', ''),
  fc.constant(null), fc.boolean(), fc.string({ maxLength: 10 }),
);

describe('catalog fuzzing', () => {
  it('random field values on every object never produce a 500', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...OBJECT_NAMES), fc.infiniteStream(value()), fc.nat(), fc.constantFrom('create', 'list', 'composite', 'patch'), async (name, values, seed, mode) => {
      const fields = OBJECTS[name].fields;
      const body: Record<string, unknown> = {};
      const it = values[Symbol.iterator]();
      for (let i = 0; i < fields.length; i++) {
        if ((seed >> (i % 20)) & 1) continue;
        const f = fields[i]!;
        body[f.name] = f.type === 'ref' && (seed + i) % 3 === 0 ? someIds[(seed + i) % someIds.length] : it.next().value;
      }
      const url = mode === 'list' ? `/objects/${name}List` : mode === 'composite' ? `/objects/composite/${name}List` : mode === 'patch' ? `/objects/${name}/${someIds[seed % 3]}` : `/objects/${name}`;
      const payload = mode === 'list' ? [body, body] : mode === 'composite' ? { persistentObjects: [{ content: body, referenceId: 'r' }] } : body;
      const res = await t.call(mode === 'patch' ? 'PATCH' : 'POST', url, { body: payload, headers: h });
      expect(res.statusCode, `${url} ${JSON.stringify(payload)} → ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.json().message, `${url} ${JSON.stringify(payload)} → ${res.body}`).not.toMatch(/\bundefined\b/);
      if (res.statusCode >= 400) expect(Object.keys(res.json()).filter((k) => k !== 'errors').sort()).toEqual(['errorCode', 'errorType', 'message', 'title']);
    }), { numRuns: 300 });
  });
});
