/**
 * V8 flags for a command line, set by main.ts before the CLI loads. A daemon (`run` without `--once`) idles for
 * months beside its service, in every pod: `--optimize-for-size` trades a little start-up CPU for memory (idle RSS
 * with one certificate measured 92 → 76 MiB, bench/RESULTS.md). Short commands keep V8's defaults, which start faster.
 */
export function v8FlagsFor(argv: readonly string[]): string[] {
  const [command, ...rest] = argv;
  return command === 'run' && !rest.includes('--once') ? ['--optimize-for-size'] : [];
}
