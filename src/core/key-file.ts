import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A server key kept in a file beside the data (`<dataDir>/keys/<name>.key`, 0600), never in the
// database: a dump or a replica of the business data carries no signing key (issue 15 part 7).
// Made once, on first start; worker processes of one machine race to make it and read the winner's.
export function keyFromFile(dataDir: string, name: string): string {
  const dir = join(dataDir, 'keys');
  const file = join(dir, `${name}.key`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`${file} holds no key (empty or truncated): remove it to make a new one, or set the key in the environment`);
  return key;
}
