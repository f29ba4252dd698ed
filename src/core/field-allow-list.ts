import { forbidden } from './errors.js';

// What a customer-facing caller (a storefront or self-service credential) may set (DESIGN §3): an
// allow-list per request body, checked before anything is planned. A field outside it is a 403
// FIELD_NOT_ALLOWED naming it — never silently dropped, so a client learns at once what it may not do.

/** A field's rule: allowed as sent (`true`), an object or each element of an array checked in turn, or a check that answers why not. */
export type Allowed = true | AllowList | { readonly each: AllowList } | ((value: unknown) => string | null);
export interface AllowList { readonly [field: string]: Allowed }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws 403 FIELD_NOT_ALLOWED for the first field of `body` outside `list`; shapes that are wrong otherwise are left to the reader's 400. */
export function refuseFieldsOutside(body: unknown, list: AllowList, at: string, who: string): void {
  if (!isObj(body)) return;
  for (const [k, v] of Object.entries(body)) {
    const path = `${at}/${k}`;
    const rule = Object.hasOwn(list, k) ? list[k] : undefined;
    if (rule === undefined) throw forbidden('FIELD_NOT_ALLOWED', `${path} cannot be set by a ${who} credential`);
    if (rule === true || v === undefined || v === null) continue;
    if (typeof rule === 'function') {
      const why = rule(v);
      if (why) throw forbidden('FIELD_NOT_ALLOWED', `${path}: ${why} (a ${who} credential)`);
    } else if ('each' in rule && typeof rule.each === 'object') {
      if (Array.isArray(v)) v.forEach((x, i) => refuseFieldsOutside(x, rule.each as AllowList, `${path}/${i}`, who));
    } else refuseFieldsOutside(v, rule as AllowList, path, who);
  }
}

/** Fields allowed as sent, as an allow-list. */
export const allowing = (...fields: string[]): Record<string, true> => Object.fromEntries(fields.map((f) => [f, true as const]));
