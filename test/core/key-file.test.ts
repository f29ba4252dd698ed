import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyFromFile } from '../../src/core/key-file.js';

// The JWT key of an installation without KEEL_JWT_SECRET: made once in <dataDir>/keys, 0600, and the
// same on every later start (and for every worker of the machine).
const dirs: string[] = [];
const dataDir = () => { const d = mkdtempSync(join(tmpdir(), 'keel-keys-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('key files', () => {
  it('made once, kept private, read back the same; another name is another key', () => {
    const d = dataDir();
    const key = keyFromFile(d, 'jwt');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([keyFromFile(d, 'jwt'), keyFromFile(d, 'jwt')]).toEqual([key, key]);
    expect(statSync(join(d, 'keys', 'jwt.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(d, 'keys')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(d, 'keys', 'jwt.key'), 'utf8')).toBe(key);
    expect(keyFromFile(d, 'encryption')).not.toBe(key);
  });

  it('a truncated key file stops the start with a sentence that says what to do', () => {
    const d = dataDir();
    keyFromFile(d, 'jwt');
    writeFileSync(join(d, 'keys', 'jwt.key'), 'short');
    expect(() => keyFromFile(d, 'jwt')).toThrow('holds no key (empty or truncated): remove it to make a new one, or set the key in the environment');
  });
});
