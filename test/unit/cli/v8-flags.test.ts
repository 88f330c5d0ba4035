import { describe, expect, it } from 'vitest';
import { v8FlagsFor } from '../../../src/cli/v8-flags.js';

describe('v8FlagsFor', () => {
  it('optimizes the daemon for size', () => {
    expect(v8FlagsFor(['run', '-c', 'agent.yaml'])).toEqual(['--optimize-for-size']);
    expect(v8FlagsFor(['run', '--dev', '-c', 'agent.yaml'])).toEqual(['--optimize-for-size']);
  });

  it('leaves short-lived commands with V8 defaults', () => {
    expect(v8FlagsFor(['run', '--once', '-c', 'agent.yaml'])).toEqual([]);
    expect(v8FlagsFor(['check', '-c', 'agent.yaml'])).toEqual([]);
    expect(v8FlagsFor(['--version'])).toEqual([]);
    expect(v8FlagsFor([])).toEqual([]);
  });
});
