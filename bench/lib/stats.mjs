// Small statistics for noisy machines: medians of paired runs, and ratios computed per pair.

/** The median of a list of numbers (NaN for an empty list). */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function min(values) {
  return Math.min(...values);
}

export function max(values) {
  return Math.max(...values);
}

/** The median of per-pair ratios a[i] / b[i]: each pair ran back to back, so they share the machine's mood. */
export function pairedRatio(a, b) {
  return median(a.map((value, index) => value / b[index]));
}

/** Formats a number with `digits` decimals, or '–' when it is not a number. */
export function fmt(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

export function mib(kib) {
  return kib / 1024;
}
