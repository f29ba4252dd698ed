// Writes client/api.d.ts, the typed client's types, from the OpenAPI document this code serves
// (test/http/client-current.test.ts regenerates and compares). Run: npm run gen:client
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clientTypesOf, currentDocument } from './generate-client.js';

const out = fileURLToPath(new URL('../client/api.d.ts', import.meta.url));
writeFileSync(out, await clientTypesOf(await currentDocument()));
console.log(`wrote ${out}`);
