import type { Reporter } from 'vitest/node';
import type { RunnerTask, RunnerTestFile } from 'vitest';

// Prints the plain closing line `tests: N passed, N failed, N skipped` after vitest's own summary, so that
// anything reading the CI log (people and tools alike) finds one stable line to count.
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask): void => {
      if (task.type === 'suite') {
        task.tasks.forEach(visit);
        // A file that fails to load has no tests but must still count as a failure.
        if (task.tasks.length === 0 && task.result?.state === 'fail') counts.failed++;
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') counts.passed++;
      else if (state === 'fail') counts.failed++;
      else counts.skipped++;
    };
    files.forEach(visit);
    counts.failed += errors.length;
    // Deferred so that it lands after the default reporter's own summary block.
    setImmediate(() =>
      process.stdout.write(
        `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
      ),
    );
  }
}
