import { SignJWT, errors, jwtVerify } from 'jose';
import { unauthorized } from '../core/errors.js';

// Access tokens: HS256 JWTs, one hour. `tid` is the tenant the token was issued for; `typ` tells
// a user's token from an API client's (OAuth client credentials); `sid`, a user's session (its
// refresh token family): revoking the session refuses the token.
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface AccessClaims {
  sub: string;
  tid: string;
  typ: 'user' | 'client';
  sid?: string | undefined;
}

export async function signAccessToken(key: Uint8Array, claims: AccessClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: claims.tid, typ: claims.typ, ...(claims.sid && { sid: claims.sid }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer('keel')
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(key);
}

export async function verifyAccessToken(key: Uint8Array, token: string, now: Date): Promise<AccessClaims & { exp: number }> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: 'keel', algorithms: ['HS256'], currentDate: now });
    const { sub, tid, typ, exp, sid } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof tid !== 'string' || (typ !== 'user' && typ !== 'client') || typeof exp !== 'number') {
      throw unauthorized('INVALID_TOKEN', 'The access token is not a Keel token');
    }
    return { sub, tid, typ, exp, ...(typeof sid === 'string' && { sid }) };
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw unauthorized('TOKEN_EXPIRED', 'The access token has expired; refresh it or sign in again');
    if (e instanceof errors.JOSEError) throw unauthorized('INVALID_TOKEN', 'The access token is invalid');
    throw e;
  }
}

export function looksLikeJwt(v: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(v);
}
