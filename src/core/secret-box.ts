import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

// Secrets Keel must send in clear (webhook signing secrets, CRM client secrets) are stored sealed
// with KEEL_ENCRYPTION_KEY (DESIGN §3): AES-256-GCM, text `v1.<keyId>.<iv>.<ciphertext>.<tag>`
// (base64url). The key id says which key sealed it, so a rotated key keeps opening old texts.

export interface SecretBox {
  /** The current key's id: what `seal` writes. */
  keyId: string;
  seal(plain: string): string;
  /** Throws on a malformed text, an unknown key id or a failed integrity check. */
  open(sealed: string): string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MIN_KEY_CHARS = 32;
const B64URL = /^[A-Za-z0-9_-]*$/;

interface Key { id: string; bytes: Buffer }

// HKDF: any configured string of 32+ characters becomes a uniform 256-bit key, and the key used
// here is not the configured string itself.
function deriveKey(secret: string): Key {
  if (secret.length < MIN_KEY_CHARS) {
    throw new Error(`KEEL_ENCRYPTION_KEY must be at least ${MIN_KEY_CHARS} characters (a given key has ${secret.length})`);
  }
  const bytes = Buffer.from(hkdfSync('sha256', secret, '', 'keel secret-box v1', 32));
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), bytes };
}

/** base64url that re-encodes to the same text: a changed padding bit is a tampered text too. */
function decodePart(part: string): Buffer | undefined {
  if (!B64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

export function createSecretBox(keys: { current: string; previous?: readonly string[] }): SecretBox {
  const current = deriveKey(keys.current);
  const byId = new Map<string, Key>();
  for (const key of [current, ...(keys.previous ?? []).map(deriveKey)]) if (!byId.has(key.id)) byId.set(key.id, key);

  return {
    keyId: current.id,
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const header = `${VERSION}.${current.id}`;
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv);
      cipher.setAAD(Buffer.from(header)); // the version and key id are authenticated too
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [header, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      const [version, keyId, ivText, bodyText, tagText] = parts;
      const iv = ivText === undefined ? undefined : decodePart(ivText);
      const body = bodyText === undefined ? undefined : decodePart(bodyText);
      const tag = tagText === undefined ? undefined : decodePart(tagText);
      if (parts.length !== 5 || version !== VERSION || !/^[0-9a-f]{8}$/.test(keyId!) || iv?.length !== IV_BYTES || !body || tag?.length !== TAG_BYTES) {
        throw new Error('a sealed secret is malformed (expected v1.<keyId>.<iv>.<ciphertext>.<tag>)');
      }
      const key = byId.get(keyId!);
      if (!key) throw new Error(`a sealed secret names key ${keyId}, which is neither the current KEEL_ENCRYPTION_KEY nor a previous one`);
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${version}.${keyId}`));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`a sealed secret failed its integrity check (altered, or sealed with another key of id ${keyId})`);
      }
    },
  };
}
