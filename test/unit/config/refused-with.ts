// The problems a refused config gives: the config tests parse in several ways (one text, several files, other
// working directories), and all of them ask this one question of the outcome.

import { expect } from 'vitest';
import { ConfigError } from '../../../src/lib/errors.js';

/** Runs `parse`, which must throw a ConfigError, and returns its problem lines. */
export function refusedWith(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}
