// Writes src/db/tables.generated.ts: one row type per table of a freshly migrated database, read by
// kysely-codegen from the catalog (so a migration and its types can never disagree: the test
// test/db/tables-current.test.ts regenerates and compares). Run: npm run gen:tables
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTables } from './generate-tables.js';

const out = fileURLToPath(new URL('../src/db/tables.generated.ts', import.meta.url));
writeFileSync(out, await generateTables());
console.log(`wrote ${out}`);
