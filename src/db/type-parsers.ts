import pg from 'pg';

// Business dates stay `YYYY-MM-DD` strings and numerics stay strings (decimal.js parses them);
// nothing passes through a JS Date or a binary float on the way out of the database.
const DATE_OID = 1082;
const NUMERIC_OID = 1700;
const INT8_OID = 20;

let installed = false;

export function installTypeParsers(): void {
  if (installed) return;
  pg.types.setTypeParser(DATE_OID, (v: string) => v);
  pg.types.setTypeParser(NUMERIC_OID, (v: string) => v);
  pg.types.setTypeParser(INT8_OID, (v: string) => v);
  installed = true;
}
