import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app.js';

// The OpenAPI document is the contract (DESIGN §3, issue 16): it passes a real validator, and every
// path reads as clients must call it — colon verbs literal, every {parameter} a declared one.
let t: TestApp;
let spec: OpenAPIV3.Document;
beforeAll(async () => {
  t = await testApp();
  spec = (await t.call('GET', '/openapi.json')).json();
});
afterAll(() => t.close());

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = () => Object.entries(spec.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item?.[m]).map((m) => ({ path, method: m, op: item![m]! })));

describe('the OpenAPI document', () => {
  it('passes @apidevtools/swagger-parser\'s validation', async () => {
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('writes colon verbs literally: every custom-verb route is `base:verb`, never a path parameter', () => {
    const verbRoutes = t.rt.app.routeTable.filter((r) => r.url.includes('/::'));
    expect(verbRoutes.length).toBeGreaterThan(20);
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const expected = verbRoutes.map((r) => {
      const [base, verb] = r.url.split('/::') as [string, string];
      return `${r.method} ${base.replace(/:([A-Za-z]\w*)/g, '{$1}')}:${verb}`;
    });
    expect(expected.filter((e) => !documented.has(e))).toEqual([]);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/billing/invoices:pay', '/billing/invoices:write-off', '/apiKeys/{id}:revoke']));
  });

  it('declares every {parameter} of every path, and no path parameter its path does not have', () => {
    const wrong = operations().flatMap(({ path, method, op }) => {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
      const declared = (op.parameters ?? []).filter((p): p is OpenAPIV3.ParameterObject => 'in' in p && p.in === 'path').map((p) => p.name).sort();
      return JSON.stringify(inPath) === JSON.stringify(declared) ? [] : [`${method.toUpperCase()} ${path}: path has {${inPath.join(', ')}}, declared (${declared.join(', ')})`];
    });
    expect(wrong).toEqual([]);
  });
});
