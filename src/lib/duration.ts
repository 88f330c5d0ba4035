// Durations as Vault and Go write them. Hand-written rather than taken from a library on purpose: the dev server
// must reproduce Vault's exact grammar and error texts (parseutil.ParseDurationSecond over time.ParseDuration),
// and the agent's config must accept exactly what Vault accepts, so both share this one parser.

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** A duration string that Vault would refuse; `message` is Go's/Vault's own wording. */
export class DurationParseError extends Error {
  readonly code = 'DURATION_INVALID';
}

/** Go's time.ParseDuration, returning nanoseconds. Throws DurationParseError with Go's message. */
export function parseGoDurationNs(input: string): number {
  const quoted = JSON.stringify(input);
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new DurationParseError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const frac = number?.[2];
    if (whole === '' && (frac === undefined || frac === '')) {
      throw new DurationParseError(`time: invalid duration ${quoted}`);
    }
    s = s.slice(number?.[0].length ?? 0);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') throw new DurationParseError(`time: missing unit in duration ${quoted}`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) {
      throw new DurationParseError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    }
    s = s.slice(unit.length);
    total += Number(`${whole || '0'}.${frac || '0'}`) * scale;
  }
  return sign * total;
}

/**
 * Vault's parseutil.ParseDurationSecond, returning milliseconds: a bare integer is seconds, `<int>d` is days,
 * anything else is a Go duration; empty or missing is 0 ("not set").
 */
export function parseVaultDurationMs(input: string | number | null | undefined): number {
  if (input === null || input === undefined) return 0;
  if (typeof input === 'number') {
    if (Number.isInteger(input)) return input * 1000;
    // JSON numbers reach Vault as json.Number strings, which then go through time.ParseDuration.
    return parseGoDurationNs(String(input)) / 1e6;
  }
  if (input === '') return 0;
  if (/^[+-]?\d+$/.test(input)) return Number(input) * 1000;
  if (input.endsWith('d')) {
    const days = input.slice(0, -1);
    if (!/^[+-]?\d+$/.test(days)) {
      throw new DurationParseError(`strconv.ParseInt: parsing ${JSON.stringify(days)}: invalid syntax`);
    }
    return Number(days) * 86_400_000;
  }
  return parseGoDurationNs(input) / 1e6;
}

/** Go's time.Duration.String() for a whole or fractional number of seconds: `72h0m0s`, `1m30s`, `1.5s`, `0s`. */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const negative = seconds < 0;
  let rest = Math.abs(seconds);
  let out: string;
  if (rest < 1) {
    const ms = rest * 1000;
    out = ms >= 1 ? `${trimFloat(ms)}ms` : `${trimFloat(ms * 1000)}µs`;
  } else {
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    rest -= minutes * 60;
    const secs = `${trimFloat(rest)}s`;
    if (hours > 0) out = `${hours}h${minutes}m${secs}`;
    else if (minutes > 0) out = `${minutes}m${secs}`;
    else out = secs;
  }
  return negative ? `-${out}` : out;
}

/** Vault's human form used in token TTL warnings: the Go form without trailing zero parts (`1h`, `59m50s`). */
export function formatHumanDuration(seconds: number): string {
  const go = formatGoDuration(Math.round(seconds));
  if (go === '0s') return go;
  return go
    .replace(/(\d[hm])0m0s$/, '$1')
    .replace(/([hm])0s$/, '$1')
    .replace(/h0m(\d)/, 'h$1');
}

function trimFloat(value: number): string {
  return String(Number(value.toFixed(9)));
}
