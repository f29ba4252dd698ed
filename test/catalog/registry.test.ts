import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { OBJECTS, OBJECT_NAMES } from '../../src/catalog/objects.js';
import type { OpenDatabase } from '../../src/db/connect.js';
import { testDatabase } from '../support/db.js';

// objects.ts drives validation, storage and responses; 0004_catalog.sql creates the tables.
// They must describe the same columns, with matching types and nullability.
const SQL_TYPES: Record<string, string> = {
  string: 'text', text: 'text', integer: 'integer', decimal: 'numeric', boolean: 'boolean', date: 'date',
  datetime: 'timestamp with time zone', enum: 'text', ref: 'uuid', json: 'jsonb',
};

let database: OpenDatabase;
beforeAll(async () => { database = await testDatabase(); });

describe('catalog registry and schema', () => {
  it.each(OBJECT_NAMES)('%s: every registry field is a column of its table, with its type', async (name) => {
    const def = OBJECTS[name];
    const r = await sql<{ column_name: string; data_type: string; is_nullable: string }>`
      select column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name = ${def.table}`.execute(database.db);
    const columns = new Map(r.rows.map((c) => [c.column_name, c]));
    expect(columns.size).toBe(def.fields.length + 5); // tenant_id, id, custom_fields, created_at, updated_at
    for (const f of def.fields) {
      const c = columns.get(f.column);
      expect(c, `${def.table}.${f.column}`).toBeDefined();
      expect(c!.data_type, `${def.table}.${f.column}`).toBe(SQL_TYPES[f.type]);
      expect(c!.is_nullable, `${def.table}.${f.column}`).toBe(f.required || f.default !== undefined ? 'NO' : 'YES');
    }
  });
});
