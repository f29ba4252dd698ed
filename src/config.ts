import { availableParallelism } from 'node:os';

// The only module that reads process.env. Everything else receives a Config.
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  bootstrapApiKey: string | undefined;
  adminToken: string | undefined;
  jwtSecret: string | undefined;
  /** Seals the secrets Keel must send in clear (src/core/secret-box.ts); unset: a key file in the data directory. */
  encryptionKey: string | undefined;
  /** KEEL_ENCRYPTION_KEY_PREVIOUS (comma-separated): keys that sealed older secrets, still opened after a rotation. */
  previousEncryptionKeys: string[];
  /** KEEL_ALLOW_PRIVATE_TARGETS=1: webhooks and CRM logins may reach private addresses (tests, local demos; src/core/outbound-guard.ts). */
  allowPrivateTargets: boolean;
  logLevel: string;
  publicUrl: string | undefined;
  loadDemo: boolean;
  /** How long a request holding an Idempotency-Key may go silent before a retry takes it over. */
  idempotencyStaleMs: number;
  /** How long a billing run may go without recording progress before it counts as dead (PostgreSQL: other processes may run it). */
  runStaleSeconds: number;
  /** How long a job's claim is its worker's (renewed every third of it while it runs): a dead process's claims are taken over after it (PostgreSQL). */
  jobLeaseSeconds: number;
  /** KEEL_CHECK_RESPONSES=1: every answer is checked against its declared response schema (the test suite). */
  checkResponses: boolean;
  /** HTTP worker processes for `keel serve` (KEEL_WORKERS; PostgreSQL: one per core, the embedded engine: 1). */
  workers: number;
  /** Whether this process runs the background loops (billing scheduler, idempotency sweep): one process does. */
  background: boolean;
  stripe: { secretKey: string; webhookSecret: string | undefined; host: string | undefined; port: number | undefined; protocol: 'http' | 'https' | undefined } | undefined;
  /** What a client may hold of the server (src/http/server-limits.ts): time to send its headers and its whole request, idle keep-alive, open sockets;
   * requests per credential within a window (src/http/request-limit.ts; 0: no limit); which proxies' X-Forwarded-For to believe. */
  serving: {
    headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number;
    rateLimitPerCredential: number; rateLimitWindowMs: number; trustProxy: TrustProxy;
  };
}

/** fastify's `trustProxy`: false (the socket's address is the client's), true (any proxy), or the proxies' addresses/CIDRs. */
export type TrustProxy = boolean | string;

/** STRIPE_API_BASE=http://127.0.0.1:12111 points the SDK at a local fake. */
function stripeConfig(env: NodeJS.ProcessEnv): Config['stripe'] {
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) return undefined;
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : undefined;
  return {
    secretKey, webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined, host: base?.hostname,
    port: base?.port ? Number(base.port) : undefined, protocol: base ? (base.protocol === 'http:' ? 'http' : 'https') : undefined,
  };
}

function countFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0, got "${value}"`);
  return n;
}

function wholeFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number (0: off), got "${value}"`);
  return n;
}

/** KEEL_TRUST_PROXY: unset or 0/false/no: off; 1/true/yes: every proxy; else the proxies' addresses or CIDRs, comma-separated. */
function trustProxyFrom(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (['', '0', 'false', 'no'].includes(v.toLowerCase())) return false;
  if (['1', 'true', 'yes'].includes(v.toLowerCase())) return true;
  // fastify no longer honours a hop count (it cannot check the nearest peer): name the proxies instead
  if (/^\d+$/.test(v)) throw new Error(`KEEL_TRUST_PROXY takes true or the proxies' addresses (a hop count is not supported), got "${v}"`);
  return v;
}

function intFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** The embedded engine is one process's files: it always serves from one process. */
function workersFrom(env: NodeJS.ProcessEnv): number {
  if (!env.DATABASE_URL) return 1;
  if (env.KEEL_WORKERS === undefined || env.KEEL_WORKERS === '') return availableParallelism();
  const n = Number(env.KEEL_WORKERS);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`KEEL_WORKERS must be a whole number from 1 to 256, got "${env.KEEL_WORKERS}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const bootstrapApiKey = env.KEEL_BOOTSTRAP_API_KEY || undefined;
  if (bootstrapApiKey && !bootstrapApiKey.startsWith('keel_')) {
    throw new Error('KEEL_BOOTSTRAP_API_KEY must start with "keel_"');
  }
  return {
    port: intFrom('PORT', env.PORT, 8080),
    // this machine only unless told otherwise: a first start prints an admin key
    host: env.HOST || '127.0.0.1',
    dataDir: env.KEEL_DATA_DIR || './.keel-data',
    databaseUrl: env.DATABASE_URL || undefined,
    bootstrapApiKey,
    adminToken: env.KEEL_ADMIN_TOKEN || undefined,
    jwtSecret: env.KEEL_JWT_SECRET || undefined,
    encryptionKey: env.KEEL_ENCRYPTION_KEY || undefined,
    previousEncryptionKeys: (env.KEEL_ENCRYPTION_KEY_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter((k) => k !== ''),
    // only the operator's switch, never a tenant's setting (DESIGN §3)
    allowPrivateTargets: env.KEEL_ALLOW_PRIVATE_TARGETS === '1',
    logLevel: env.LOG_LEVEL || 'info',
    publicUrl: env.KEEL_PUBLIC_URL || undefined,
    loadDemo: !['0', 'false', 'no'].includes((env.KEEL_DEMO ?? '').toLowerCase()),
    idempotencyStaleMs: env.KEEL_IDEMPOTENCY_STALE_MS ? Math.max(0, Number(env.KEEL_IDEMPOTENCY_STALE_MS) || 0) : 60_000,
    runStaleSeconds: env.KEEL_RUN_STALE_SECONDS ? Math.max(1, Number(env.KEEL_RUN_STALE_SECONDS) || 30) : 30,
    checkResponses: env.KEEL_CHECK_RESPONSES === '1',
    jobLeaseSeconds: env.KEEL_JOB_LEASE_SECONDS ? Math.max(1, Number(env.KEEL_JOB_LEASE_SECONDS) || 60) : 60,
    workers: workersFrom(env),
    background: !['0', 'false', 'no'].includes((env.KEEL_BACKGROUND ?? '').toLowerCase()),
    stripe: stripeConfig(env),
    serving: {
      headersTimeoutMs: countFrom('KEEL_HEADERS_TIMEOUT_MS', env.KEEL_HEADERS_TIMEOUT_MS, 10_000),
      requestTimeoutMs: countFrom('KEEL_REQUEST_TIMEOUT_MS', env.KEEL_REQUEST_TIMEOUT_MS, 30_000),
      keepAliveTimeoutMs: countFrom('KEEL_KEEP_ALIVE_TIMEOUT_MS', env.KEEL_KEEP_ALIVE_TIMEOUT_MS, 5_000),
      maxConnections: countFrom('KEEL_MAX_CONNECTIONS', env.KEEL_MAX_CONNECTIONS, 1_000),
      // generous: 10,000 a second per credential in each process, several times what the busiest route
      // serves (bench/results), so a benchmark or a bulk import never meets it; a backstop against a
      // runaway client, to be lowered where the API faces the internet
      rateLimitPerCredential: wholeFrom('KEEL_RATE_LIMIT_PER_CREDENTIAL', env.KEEL_RATE_LIMIT_PER_CREDENTIAL, 100_000),
      rateLimitWindowMs: wholeFrom('KEEL_RATE_LIMIT_WINDOW_MS', env.KEEL_RATE_LIMIT_WINDOW_MS, 10_000),
      trustProxy: trustProxyFrom(env.KEEL_TRUST_PROXY),
    },
  };
}
