import type { Reporter, TestModule } from 'vitest/node';

// Prints the plain closing line CI reads: `N passed, N failed`. A module that failed to load,
// and an unhandled error, count as failures so a broken file can never read as green.
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of modules) {
      let cases = 0;
      for (const t of m.children.allTests()) {
        cases++;
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (cases === 0 || m.state() === 'failed') {
        if (m.errors().length > 0) failed += 1;
      }
    }
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
