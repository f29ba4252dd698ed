import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createSecretBox } from '../../src/core/secret-box.js';
import { secretBoxFor } from '../../src/runtime.js';

const OLD = 'old-encryption-key-old-encryption-key-0123';
const NEW = 'new-encryption-key-new-encryption-key-4567';

/** Another character of the same alphabet at position i (hex stays hex, base64url stays base64url). */
function alter(text: string, i: number): string {
  const c = text[i]!;
  return text.slice(0, i) + (c === 'a' ? 'b' : 'a') + text.slice(i + 1);
}

describe('secret box', () => {
  it('opens what it sealed: ascii, unicode, the empty string', () => {
    const box = createSecretBox({ current: NEW });
    for (const plain of ['whsec_0123456789abcdef', 'clé secrète — 秘密 🔑', '']) expect(box.open(box.seal(plain))).toBe(plain);
  });

  it('text of the form v1.<keyId>.<iv>.<ciphertext>.<tag>, a fresh IV each time', () => {
    const box = createSecretBox({ current: NEW });
    const [a, b] = [box.seal('same'), box.seal('same')];
    expect(a).not.toBe(b);
    expect(box.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(a).toMatch(new RegExp(`^v1\\.${box.keyId}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}$`));
    expect(createSecretBox({ current: NEW }).keyId).toBe(box.keyId); // stable: the same key, the same id
    expect(createSecretBox({ current: OLD }).keyId).not.toBe(box.keyId);
  });

  it('an altered character in any part is refused', () => {
    const box = createSecretBox({ current: NEW });
    const sealed = box.seal('the webhook signing secret');
    const parts = sealed.split('.');
    let start = 0;
    for (const part of parts) {
      for (const i of [start, start + part.length - 1]) expect(() => box.open(alter(sealed, i))).toThrow(/malformed|names key|integrity check/);
      start += part.length + 1;
    }
    const [, , iv, body, tag] = parts;
    expect(() => box.open(`v1.${box.keyId}.${iv}.${alter(body!, 0)}.${tag}`)).toThrow('failed its integrity check');
    expect(() => box.open(`v1.${box.keyId}.${iv}.${body}.${alter(tag!, 0)}`)).toThrow('failed its integrity check');
    expect(() => box.open(`v1.${box.keyId}.${alter(iv!, 0)}.${body}.${tag}`)).toThrow('failed its integrity check');
  });

  it('malformed texts are refused with a sentence saying so', () => {
    const box = createSecretBox({ current: NEW });
    const [, , iv, body, tag] = box.seal('x').split('.');
    for (const bad of ['', 'plain secret', 'v1', `v2.${box.keyId}.${iv}.${body}.${tag}`, `v1.${box.keyId}.${iv}.${body}`,
      `v1.${box.keyId}.${iv}.${body}.${tag}.x`, `v1.${box.keyId}.${iv}.${body}.${tag}==`, `v1.${box.keyId}.${iv!.slice(2)}.${body}.${tag}`,
      `v1.${box.keyId}.${iv}.${body}.${tag!.slice(2)}`, `v1.${box.keyId}.${iv}.b+dy.${tag}`, `v1.XYZ.${iv}.${body}.${tag}`]) {
      expect(() => box.open(bad)).toThrow('a sealed secret is malformed (expected v1.<keyId>.<iv>.<ciphertext>.<tag>)');
    }
  });

  it('a rotated box opens texts of its previous keys and seals with the new one', () => {
    const before = createSecretBox({ current: OLD });
    const sealedBefore = before.seal('crm client secret');
    const rotated = createSecretBox({ current: NEW, previous: [OLD] });
    expect(rotated.keyId).toBe(createSecretBox({ current: NEW }).keyId);
    expect(rotated.open(sealedBefore)).toBe('crm client secret');
    const sealedAfter = rotated.seal('crm client secret');
    expect(sealedAfter.split('.')[1]).toBe(rotated.keyId);
    expect(() => before.open(sealedAfter)).toThrow(`a sealed secret names key ${rotated.keyId}, which is neither the current KEEL_ENCRYPTION_KEY nor a previous one`);
  });

  it('another key does not open it', () => {
    const sealed = createSecretBox({ current: OLD }).seal('s');
    expect(() => createSecretBox({ current: NEW }).open(sealed)).toThrow('which is neither the current KEEL_ENCRYPTION_KEY nor a previous one');
    // a text claiming the right key id but sealed with another key fails its tag
    const other = createSecretBox({ current: NEW });
    const forged = other.seal('s').replace(`v1.${other.keyId}.`, `v1.${createSecretBox({ current: OLD }).keyId}.`);
    expect(() => createSecretBox({ current: OLD }).open(forged)).toThrow('failed its integrity check');
  });

  it('a key shorter than 32 characters is refused, current or previous', () => {
    expect(() => createSecretBox({ current: 'too-short' })).toThrow('KEEL_ENCRYPTION_KEY must be at least 32 characters (a given key has 9)');
    expect(() => createSecretBox({ current: NEW, previous: ['x'.repeat(31)] })).toThrow('KEEL_ENCRYPTION_KEY must be at least 32 characters');
    expect(createSecretBox({ current: 'x'.repeat(32) }).keyId).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('the runtime\'s secret box', () => {
  const dirs: string[] = [];
  const dataDir = () => { const d = mkdtempSync(join(tmpdir(), 'keel-secrets-')); dirs.push(d); return d; };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('KEEL_ENCRYPTION_KEY when set, and no key file', () => {
    const d = dataDir();
    const box = secretBoxFor(loadConfig({ KEEL_ENCRYPTION_KEY: NEW, KEEL_DATA_DIR: d }));
    expect(box.keyId).toBe(createSecretBox({ current: NEW }).keyId);
    expect(() => statSync(join(d, 'keys', 'encryption.key'))).toThrow();
  });

  it('a rotation: KEEL_ENCRYPTION_KEY_PREVIOUS keeps opening what the old keys sealed, and the new key seals', () => {
    const d = dataDir();
    const OLDER = 'o'.repeat(40);
    const sealedOld = secretBoxFor(loadConfig({ KEEL_ENCRYPTION_KEY: OLD, KEEL_DATA_DIR: d })).seal('sealed before');
    const sealedOlder = secretBoxFor(loadConfig({ KEEL_ENCRYPTION_KEY: OLDER, KEEL_DATA_DIR: d })).seal('sealed long before');
    const rotated = secretBoxFor(loadConfig({ KEEL_ENCRYPTION_KEY: NEW, KEEL_ENCRYPTION_KEY_PREVIOUS: ` ${OLD}, ${OLDER} `, KEEL_DATA_DIR: d }));
    expect([rotated.open(sealedOld), rotated.open(sealedOlder)]).toEqual(['sealed before', 'sealed long before']);
    expect(rotated.keyId).toBe(createSecretBox({ current: NEW }).keyId);
    expect(createSecretBox({ current: NEW }).open(rotated.seal('after'))).toBe('after');
    // without the previous keys the old texts no longer open
    expect(() => secretBoxFor(loadConfig({ KEEL_ENCRYPTION_KEY: NEW, KEEL_DATA_DIR: d })).open(sealedOld)).toThrow('neither the current KEEL_ENCRYPTION_KEY nor a previous one');
    expect(() => loadConfig({ KEEL_ENCRYPTION_KEY: NEW, KEEL_ENCRYPTION_KEY_PREVIOUS: 'short' })).not.toThrow();
    expect(() => secretBoxFor(loadConfig({ KEEL_ENCRYPTION_KEY: NEW, KEEL_ENCRYPTION_KEY_PREVIOUS: 'short', KEEL_DATA_DIR: d }))).toThrow('at least 32 characters');
  });

  it('otherwise a key made once in <dataDir>/keys/encryption.key, apart from the JWT key', () => {
    const d = dataDir();
    const config = loadConfig({ KEEL_DATA_DIR: d });
    expect(config.encryptionKey).toBeUndefined();
    const sealed = secretBoxFor(config).seal('kept across restarts');
    const file = join(d, 'keys', 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(secretBoxFor(config).keyId).toBe(createSecretBox({ current: readFileSync(file, 'utf8') }).keyId);
    expect(secretBoxFor(loadConfig({ KEEL_DATA_DIR: d })).open(sealed)).toBe('kept across restarts');
    expect(() => statSync(join(d, 'keys', 'jwt.key'))).toThrow();
  });
});
