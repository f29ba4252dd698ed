import fc from 'fast-check';

// `KEEL_FC_RUNS=5000 npm test` digs deeper into every property than the default 100 runs.
const runs = Number(process.env.KEEL_FC_RUNS);
if (Number.isInteger(runs) && runs > 0) fc.configureGlobal({ numRuns: runs });
