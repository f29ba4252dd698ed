// A JSON body may spell half of a UTF-16 surrogate pair ("\ud800"): JSON.parse takes it, but no
// database text can hold it, so it is refused at the door (issue 15 part 5) with the field it is in.

/** Whether the JSON text spells any surrogate escape at all (the walk is only needed then). */
export const mayHoldSurrogates = (text: string): boolean => /\\u[dD][89a-fA-F]/.test(text);

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string) => !LONE.test(s);

/** The path of the first key or string that is not well-formed UTF-16, else null. */
export function loneSurrogateAt(value: unknown, at: string): string | null {
  if (typeof value === 'string') return wellFormed(value) ? null : at;
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const path = `${at}/${k}`;
    if (!wellFormed(k)) return path;
    const inner = loneSurrogateAt(v, path);
    if (inner) return inner;
  }
  return null;
}
