import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEMA } from '../../src/graphql/schema.js';
import { orderSuite } from '../orders/support.js';

// Random queries, filters and variables: a GraphQL answer or error, never a 500.
const s = orderSuite({ today: '2023-06-22' });
const roots = Object.keys(SCHEMA.getQueryType()!.getFields()).filter((n) => !n.endsWith('_aggregate'));
const fieldsOf = (root: string) => {
  const type = (SCHEMA.getQueryType()!.getFields()[root]!.type as any).ofType.ofType.ofType;
  return Object.keys(type.getFields());
};
const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('2023-06-22', '00000000-0000-4000-8000-000000000000', "' or 1=1 --"));

describe('GraphQL fuzzing', () => {
  it('random roots, fields, filters and orderings never produce a 500', async () => {
    await s.f.post('/orders', { options: { activateInvoice: true }, customer: { name: 'Fuzz' }, lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12 }] });
    const query = fc.constantFrom(...roots).chain((root) => {
      const names = fieldsOf(root);
      return fc.record({
        root: fc.constant(root),
        fields: fc.subarray(names, { minLength: 1, maxLength: 6 }),
        field: fc.constantFrom(...names),
        op: fc.constantFrom('_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_in', '_nin', '_like', '_ilike', '_is_null', '_bogus'),
        value: fc.oneof(value, fc.array(value, { maxLength: 3 })),
        dir: fc.constantFrom('asc', 'desc', 'sideways'),
        limit: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constant(undefined)),
      });
    });
    await fc.assert(fc.asyncProperty(query, async (q) => {
      const text = `query ($v: JSON) { ${q.root}(where: {${q.field}: {${q.op}: $v}}, orderBy: {${q.field}: ${q.dir}}${q.limit === undefined ? '' : `, limit: ${q.limit}`}) { ${q.fields.join(' ')} } }`;
      // the variable's declared type is wrong on purpose half the time; literal values the other half
      const literal = text.replace('$v', JSON.stringify(q.value)).replace('query ($v: JSON) ', '');
      for (const body of [{ query: text, variables: { v: q.value } }, { query: literal }]) {
        const res = await s.t.call('POST', '/async/graphql', { body, headers: s.f.h });
        expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBe(200);
        const json = res.json();
        expect(json.data !== undefined || Array.isArray(json.errors), res.body).toBe(true);
      }
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });

  it('random text is a parse error, not a failure', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 60 }), async (text) => {
      const res = await s.t.call('POST', '/async/graphql', { body: { query: `{ Order(where: ${text}) { id } }` }, headers: s.f.h });
      expect(res.statusCode, res.body).toBe(200);
    }), { numRuns: Number(process.env.KEEL_FUZZ_RUNS ?? 200) });
  });
});
