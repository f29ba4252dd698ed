import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTables } from '../../scripts/generate-tables.js';

// The row types are read off the migrated database: a migration that changes a table without
// `npm run gen:tables` fails here, and the compiler then checks every store against the new columns.
describe('src/db/tables.generated.ts', () => {
  it('is what kysely-codegen reads off a database migrated from migrations/', async () => {
    const committed = readFileSync(new URL('../../src/db/tables.generated.ts', import.meta.url), 'utf8');
    const fresh = await generateTables();
    expect(fresh).toBe(committed);
    expect(committed).toMatch(/export interface OrderProducts \{/);
    expect(committed.match(/^  [a-z_]+: [A-Z][A-Za-z]+;$/gm)?.length).toBeGreaterThanOrEqual(51);
  }, 60_000);
});
