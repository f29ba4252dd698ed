import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientTypesOf, currentDocument } from '../../scripts/generate-client.js';

// The typed client's types are generated from the document this code serves: a route whose schema
// changes without `npm run gen:client` fails here, and the compiler then checks every caller of the client.
describe('client/api.d.ts', () => {
  it('is what openapi-typescript makes of the current /openapi.json', async () => {
    const committed = readFileSync(new URL('../../client/api.d.ts', import.meta.url), 'utf8');
    expect(await clientTypesOf(await currentDocument())).toBe(committed);
    expect(committed).toContain('"/billing/invoices:pay": {');
    expect(committed).toContain('postBillingInvoicesPay: {');
  }, 60_000);
});
