import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { parseLiteral, readWhere } from '../../src/filters/where-filter.js';

const schema = { fields: ['name', 'quantity', 'customerId', 'startDate'], relation: (n: string) => (n === 'customer' ? { fields: ['id', 'name'] } : undefined) };

describe('the where dialect', () => {
  it('reads GraphQL input literals and JSON alike', () => {
    expect(parseLiteral('{customerId: {_in: ["a", "b"]}, _or: [{quantity: {_gt: 2}}, {name: {_is_null: true}}], x: -1.5e2, y: asc}', 'f')).toEqual({
      customerId: { _in: ['a', 'b'] }, _or: [{ quantity: { _gt: 2 } }, { name: { _is_null: true } }], x: -150, y: 'asc',
    });
    expect(parseLiteral('{"name": {"_eq": "a \\"quoted\\" \\u00e9 name"}}', 'f')).toEqual({ name: { _eq: 'a "quoted" é name' } });
  });

  it('every operator, relations and _and/_or/_not make a tree', () => {
    const w = readWhere('{_and: [{name: {_like: "A%", _neq: "B"}}, {_not: {quantity: {_lte: 3}}}], customer: {name: {_ilike: "%x%"}}, startDate: {_gte: "2023-01-01", _lt: "2024-01-01"}, quantity: {_nin: [1, 2], _gt: 0, _eq: 5}, customerId: {_is_null: false}}', 'f', schema);
    expect(JSON.stringify(w)).toContain('"relation":"customer"');
    for (const op of ['_like', '_neq', '_lte', '_ilike', '_gte', '_lt', '_nin', '_gt', '_eq', '_is_null']) expect(JSON.stringify(w)).toContain(`"op":"${op}"`);
  });

  it('unknown fields, operators and malformed text are 400 INVALID_FILTER naming the place', () => {
    const bad: [unknown, string][] = [
      ['{nope: {_eq: 1}}', 'f/nope'], ['{name: {_regex: "x"}}', 'f/name/_regex'], ['{name: {_in: "x"}}', 'f/name/_in'],
      ['{name: {_eq: "x"}', 'character'], ['{name: {_eq: "x"}} trailing', 'character'], ['{name: {_eq: "x}}', 'unterminated'],
      ['{customer: {email: {_eq: "x"}}}', 'f/customer/email'], ['[1, 2]', 'object'], ['{name: {_is_null: 1}}', '_is_null'],
      ['{name: {_eq: "a"}, name: {_eq: "b"}}', 'twice'],
    ];
    for (const [input, where] of bad) {
      try {
        readWhere(input, 'f', schema);
        expect.unreachable(String(input));
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).code).toBe('INVALID_FILTER');
        expect((e as DomainError).message).toContain(where);
      }
    }
  });

  it('any text at all is a tree or a 400, never another error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
      try { readWhere(text, 'f', schema); } catch (e) { expect((e as DomainError).code).toBe('INVALID_FILTER'); }
    }));
  });
});
