// The checked map: DESIGN §1's layering rules as lint rules (docs/ARCHITECTURE.md lists them).
// `keel/*` rules resolve each import against the importing file, so they judge folders, not spellings.
import path from 'node:path';
import tseslint from 'typescript-eslint';

const SRC = path.resolve('src');
const WEB = path.resolve('web');

/** The top folder of src a file lives in (`billing` for src/billing/runs/x.ts), or the file's name at the top. */
function areaOf(file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return undefined;
  return rel.split(path.sep)[0].replace(/\.ts$/, '');
}

/** The file an import names, when it is one of ours (relative), with `.js` read as `.ts`. */
function targetOf(context, source) {
  if (!source.startsWith('.')) return undefined;
  return path.resolve(path.dirname(context.filename), source).replace(/\.js$/, '.ts');
}

const PURE_AREAS = new Set(['core', 'pricing', 'filters']);
const DOMAIN_FREE = new Set(['http', 'runtime', 'cli', 'config', 'context', 'db', 'jobs', 'workflows', 'webhooks', 'crm']);

function importRule(check) {
  return {
    meta: { type: 'problem', schema: [] },
    create(context) {
      const visit = (node) => {
        if (!node.source || typeof node.source.value !== 'string') return;
        // types vanish at run time: a type import couples no layers' behaviour
        if (node.importKind === 'type' || node.exportKind === 'type') return;
        const target = targetOf(context, node.source.value);
        if (!target) return;
        const message = check(path.resolve(context.filename), target);
        if (message) context.report({ node: node.source, message: `${message} (${node.source.value})` });
      };
      return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit, ImportExpression: visit };
    },
  };
}

const keel = {
  rules: {
    // A domain's store is its own: others reach its tables through its service.
    'no-foreign-store': importRule((from, to) => {
      if (path.basename(to) !== 'store.ts' || !to.startsWith(SRC + path.sep)) return undefined;
      // metadata's store is the registry-driven row store: the ObjectDef a caller passes names the
      // caller's own table (catalog and customers keep their objects through it)
      if (to === path.join(SRC, 'metadata', 'store.ts')) return undefined;
      const own = areaOf(from);
      const theirs = areaOf(to);
      return own !== theirs ? `${own} imports the store of ${theirs}: use its service` : undefined;
    }),
    // Pure code takes "today" and every input as arguments: no database, no clock, no wiring.
    'pure-imports': importRule((from, to) => {
      if (!PURE_AREAS.has(areaOf(from) ?? '')) return undefined;
      if (to === path.join(SRC, 'core', 'clock.ts') && from !== to) return 'pure code imports the clock: take today as an argument';
      if (areaOf(to) === 'db') return 'pure code imports the database';
      if (['runtime', 'config', 'context'].includes(areaOf(to) ?? '')) return 'pure code imports the wiring';
      return undefined;
    }),
    // Domains only emit events; webhooks and crm listen. Nothing in a domain imports them.
    'no-domain-to-integrations': importRule((from, to) => {
      const own = areaOf(from);
      if (!own || DOMAIN_FREE.has(own)) return undefined;
      return ['webhooks', 'crm'].includes(areaOf(to) ?? '') ? `${own} imports ${areaOf(to)}: emit an event instead` : undefined;
    }),
    // The write side does not lean on the read model; the where dialect is src/filters.
    'no-read-model': importRule((from, to) => {
      const own = areaOf(from);
      if (!own || own === 'graphql' || own === 'http' || own === 'runtime') return undefined;
      return areaOf(to) === 'graphql' ? `${own} imports the read model (src/graphql): use src/filters` : undefined;
    }),
    // The web UI speaks only HTTP.
    'web-speaks-http': importRule((from, to) => {
      if (!from.startsWith(WEB + path.sep)) return undefined;
      return to.startsWith(SRC + path.sep) ? 'web/ imports src/: call the HTTP API' : undefined;
    }),
  },
};

// SQL stays in stores (and the db layer, and migrations): the query builder's entry points and raw
// SQL templates anywhere else are errors.
const SQL_OUTSIDE_STORES = [
  { selector: "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]", message: 'SQL belongs in this domain\'s store.ts' },
  { selector: "ImportSpecifier[imported.name='sql'][parent.source.value='kysely']", message: 'raw SQL (kysely `sql`) belongs in store.ts' },
  { selector: "CallExpression[callee.property.name='query'][arguments.0.type=/^(Literal|TemplateLiteral)$/]", message: 'raw SQL belongs in store.ts' },
];
// The business clock is the Ctx's (a tenant's test clock moves it); reading the machine's time is
// for process timing only (caches, leases), and says so where it happens.
const CLOCK = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'now comes from ctx.clock (or the caller): new Date() reads the machine' },
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'now comes from ctx.clock (or the caller): Date.now() reads the machine' },
  { selector: "MemberExpression[object.name='Temporal'][property.name='Now']", message: 'today comes from ctx.clock (or the caller): Temporal.Now reads the machine' },
];
const PROCESS_ENV = { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'process.env is read only in src/config.ts' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'bench/results/**', '.keel-data/**', 'web/dist/**', '**/*.d.ts'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'web/**/*.ts'],
    extends: [tseslint.configs.base],
    plugins: { keel },
    rules: {
      'keel/no-foreign-store': 'error',
      'keel/pure-imports': 'error',
      'keel/no-domain-to-integrations': 'error',
      'keel/no-read-model': 'error',
      'keel/web-speaks-http': 'error',
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-unreachable': 'error',
      'no-self-assign': 'error',
      'eqeqeq': ['error', 'smart'],
      'no-var': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  // tests, benchmarks and the fault suite drive the database directly on purpose
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'keel/no-foreign-store': 'off', 'keel/no-read-model': 'off' } },
  {
    files: ['src/**/*.ts'],
    // src/filters and src/graphql compile the where dialect and GraphQL into SQL: that is their job.
    ignores: ['src/**/store.ts', 'src/db/**', 'src/config.ts', 'src/filters/**', 'src/graphql/**', 'src/core/clock.ts'],
    rules: { 'no-restricted-syntax': ['error', ...SQL_OUTSIDE_STORES, ...CLOCK, PROCESS_ENV] },
  },
  { files: ['src/**/store.ts', 'src/db/**', 'src/filters/**', 'src/graphql/**'], ignores: ['src/config.ts'], rules: { 'no-restricted-syntax': ['error', ...CLOCK, PROCESS_ENV] } },
);
