import cluster from 'node:cluster';
import { loadConfig, type Config } from './config.js';
import { capConnections } from './http/server-limits.js';
import { migrate } from './db/migrate.js';
import { loadDemoCatalog } from './catalog/demo.js';
import { openConfiguredDatabase, startRuntime, type Runtime } from './runtime.js';

// `keel serve | migrate | help`. The only place that listens on a port.
const USAGE = `Usage: keel <command>

  serve     start the API server (PORT, default 8080; embedded database in KEEL_DATA_DIR unless DATABASE_URL)
  migrate   apply pending database migrations and exit
  demo      load the demo catalog into a tenant (default: "default"; --tenant NAME) and publish it
  bill-run  bill a tenant to a date: --tenant NAME --target-date YYYY-MM-DD [--activate]
  help      show this text`;

/** `bound`: the address the server listens on, as the socket reports it. */
function banner(url: string, bound: string, config: Config, bootstrap: Runtime['bootstrap'], workers: number): string {
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const everywhere = /\/\/(0\.0\.0\.0|\[::\])/.test(bound);
  const lines = [
    '',
    `Keel is running at ${url}${workers > 1 ? ` (${workers} worker processes)` : ''}`,
    `Listening:  ${bound}${everywhere ? ' (every network interface; HOST=127.0.0.1 keeps it on this machine)' : ''}`,
    `API docs:   ${url}/docs  (OpenAPI: ${url}/openapi.json, Postman: ${url}/postman.json)`,
    `Database:   ${where}`,
  ];
  if (bootstrap) {
    lines.push(`Tenant "${bootstrap.tenantName}" created. Its admin API key (shown once, keep it):`,
      `  ${bootstrap.apiKey}`,
      `Try:        curl -H "apiAccessKey: ${bootstrap.apiKey}" ${url}/tenant`);
  } else {
    lines.push('API key:    the default tenant\'s admin key was printed on first start (or set KEEL_BOOTSTRAP_API_KEY before it)');
  }
  return `${lines.join('\n')}\n\n`;
}

const publicUrl = (config: Config, address: string) => config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');

async function serve(): Promise<void> {
  const config = loadConfig();
  if (cluster.isPrimary && config.workers > 1) return servePrimary(config);
  const rt = await startRuntime(config);
  capConnections(rt.app.server, config.serving); // the timeouts the app was made with (buildApp)
  const address = await rt.app.listen({ port: config.port, host: config.host });
  if (cluster.isPrimary) process.stdout.write(banner(publicUrl(config, address), address, config, rt.bootstrap, 1));
  const stop = async () => {
    await rt.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * With PostgreSQL, `serve` runs one HTTP worker per core sharing the port (node:cluster): the
 * primary applies migrations and the first-start bootstrap once, then forks; one worker runs the
 * background loops. A worker that dies is started again; a primary that dies takes its workers with it.
 */
async function servePrimary(config: Config): Promise<void> {
  const rt = await startRuntime({ ...config, background: false });
  const bootstrap = rt.bootstrap;
  await rt.close();
  let stopping = false;
  const fork = (index: number): void => {
    const worker = cluster.fork({ KEEL_BACKGROUND: index === 0 ? '1' : '0' });
    // the IPC channel of a worker that is exiting can fail a write (EPIPE): its exit event follows,
    // and an unhandled 'error' would take the primary (and every other worker) down with it
    worker.on('error', (err) => { if (!stopping) process.stderr.write(`keel: worker ${index}: ${err.message}\n`); });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`keel: worker ${index} exited (${signal ?? code}); starting it again\n`);
      setTimeout(() => fork(index), 500);
    });
  };
  const listening = new Promise<string>((resolve) => {
    let n = 0;
    cluster.on('listening', (_w, a) => { if (++n === config.workers) resolve(`http://${a.address === null ? config.host : a.addressType === 6 ? `[${a.address}]` : a.address}:${a.port}`); });
  });
  for (let i = 0; i < config.workers; i++) fork(i);
  const bound = await listening;
  process.stdout.write(banner(publicUrl(config, bound), bound, config, bootstrap, config.workers));
  const stop = async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => { w.once('exit', () => resolve()); w.process.kill('SIGTERM'); })));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function migrateOnly(): Promise<void> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    const applied = await migrate(database.db);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  } finally {
    await database.close();
  }
}

async function demo(): Promise<void> {
  const config = loadConfig();
  const flag = process.argv.indexOf('--tenant');
  const tenantName = flag > 0 ? process.argv[flag + 1] : 'default';
  const rt = await startRuntime({ ...config, loadDemo: false });
  try {
    const tenant = tenantName ? await rt.tenancy.findTenantByName(tenantName) : undefined;
    if (!tenant) throw new Error(`There is no tenant named "${tenantName}"`);
    const result = await loadDemoCatalog(await rt.tenancy.systemContext(tenant.id, 'demo'), rt);
    process.stdout.write(result.loaded
      ? `Loaded and published the demo catalog (${result.products} products) in tenant "${tenant.name}".\n`
      : `Tenant "${tenant.name}" already has the demo catalog.\n`);
  } finally {
    await rt.close();
  }
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function billRun(): Promise<void> {
  const tenantName = flag('--tenant') ?? 'default';
  const targetDate = flag('--target-date');
  if (!targetDate) throw new Error('--target-date YYYY-MM-DD is required');
  const rt = await startRuntime({ ...loadConfig(), loadDemo: false });
  try {
    const tenant = await rt.tenancy.findTenantByName(tenantName);
    if (!tenant) throw new Error(`There is no tenant named "${tenantName}"`);
    const job = await rt.billing.runs.run(await rt.tenancy.systemContext(tenant.id, 'bill-run'), { targetDate, autoActivate: process.argv.includes('--activate') });
    process.stdout.write(`${JSON.stringify(job)}\n`);
  } finally {
    await rt.close();
  }
}

const command = process.argv[2] ?? 'serve';
const commands: Record<string, () => Promise<void>> = { serve, migrate: migrateOnly, demo, 'bill-run': billRun };
const run = commands[command];
if (!run) {
  process.stdout.write(`${USAGE}\n`);
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
} else {
  run().catch((e: unknown) => {
    process.stderr.write(`keel ${command}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
