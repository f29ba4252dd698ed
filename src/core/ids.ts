// Ids: Keel's ids are UUIDs (gen_random_uuid() / randomUUID()). One check for "is this an id",
// used before an id reaches SQL (a malformed id is a 404 or a 400, never a database error).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its text form, any case. */
export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}
