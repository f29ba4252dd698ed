import type { ColumnType, Generated, Selectable } from 'kysely';
import type { DB } from './tables.generated.js';
import type { JsonDocument } from './json.js';

// Row types of every table, as the `pg` driver returns them (see type-parsers.ts): numeric and
// int8 are strings, date is 'YYYY-MM-DD', timestamptz is a Date. Every table's columns come from
// tables.generated.ts (read off the migrated database by kysely-codegen, checked current by a test);
// the interfaces below sharpen a few (states as unions, jsonb as its shape) and the compiler checks
// that they name exactly the generated columns with the same nullability.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = ColumnType<string, string, string>;

export interface TenantsTable {
  id: Generated<string>;
  tenant_number: Generated<number>;
  name: string;
  access_key: string;
  currency: string;
  time_zone: string;
  sandbox: Generated<boolean>;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  test_clock_date: DateString | null;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  user_name: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone_number: string | null;
  time_zone: string | null;
  locale: string | null;
  password_hash: string;
  status: Generated<string>;
  last_login_at: Timestamp | null;
  created_at: Timestamp;
}

export interface TenantUsersTable {
  tenant_id: string;
  user_id: string;
  roles: string[];
  effective_role: string;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  key_hash: string;
  key_prefix: string;
  role: string;
  customer_id: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ApiClientsTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  secret_hash: string;
  role: string;
  customer_id: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface CredentialRoutesTable {
  lookup: string;
  tenant_id: string;
}

export interface RefreshTokensTable {
  token_hash: string;
  user_id: string;
  tenant_id: string;
  family: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: Timestamp;
}

export interface LoginHistoryTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string | null;
  user_name: string;
  login_time: Timestamp;
  status: string;
  browser: string | null;
  login_url: string | null;
  role: string | null;
  error_message: string | null;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  request_hash: string;
  state: 'running' | 'done';
  response_status: number | null;
  response_body: string | null;
  response_type: string | null;
  committed_ref: string | null;
  locked_at: Timestamp;
  created_at: Timestamp;
}

export interface DocumentSequencesTable {
  tenant_id: string;
  kind: string;
  next_value: ColumnType<string, string | number, string | number>;
}

export interface KeelMigrationsTable {
  version: string;
  applied_at: Timestamp;
}

// --- src/jobs (migrations/0021_jobs.sql); merged into Database above -----------------------------
export type JobStatusColumn = 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Interrupted' | 'Canceled';

export interface JobsTable {
  tenant_id: string;
  id: Generated<string>;
  kind: string;
  payload: ColumnType<JsonDocument, string, string>;
  status: ColumnType<JobStatusColumn, JobStatusColumn | undefined, JobStatusColumn>;
  run_at: Timestamp;
  attempt: Generated<number>;
  max_attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  last_error: string | null;
  result: ColumnType<JsonDocument | null, string | null, string | null>;
  schedule_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface JobSchedulesTable {
  tenant_id: string;
  id: Generated<string>;
  kind: string;
  payload: ColumnType<JsonDocument, string, string>;
  every_seconds: number | null;
  time_zone: string | null;
  next_run_at: Timestamp;
  last_run_at: Timestamp | null;
  created_at: Timestamp;
}

/** The sharpened tables; every other table is as generated. */
interface Sharpened {
  tenants: TenantsTable;
  users: UsersTable;
  tenant_users: TenantUsersTable;
  api_keys: ApiKeysTable;
  api_clients: ApiClientsTable;
  credential_routes: CredentialRoutesTable;
  refresh_tokens: RefreshTokensTable;
  login_history: LoginHistoryTable;
  idempotency_keys: IdempotencyKeysTable;
  document_sequences: DocumentSequencesTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
}

export interface Database extends Omit<DB, keyof Sharpened>, Sharpened {
  keel_migrations: KeelMigrationsTable; // created by migrate.ts itself, before any migration
}

/** A table's row as a select returns it. Stores map these to their domain's types. */
export type Row<T extends keyof Database> = Selectable<Database[T]>;

// --- compile-time check: a sharpened table has the generated columns, nullable where they are ---
type Nullable<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Drift = {
  [T in keyof Sharpened]: Same<keyof Sharpened[T], keyof DB[T]> extends true
    ? Same<Nullable<Selectable<Sharpened[T]>>, Nullable<Selectable<DB[T]>>> extends true ? never : T
    : T;
}[keyof Sharpened];
// A compile error here names the table whose interface above no longer matches its migration.
const sharpenedMatchGenerated: [Drift] extends [never] ? true : { drift: Drift } = true;
void sharpenedMatchGenerated;
