// The dev server's own serial formatting (src/dev-server/x509/serial.ts), checked against the forms Vault prints.

import { describe, expect, it } from 'vitest';
import { vaultSerial } from '../../../../src/dev-server/x509/serial.js';

describe('vaultSerial', () => {
  it.each([
    ['plain lower-case hex', '1a2b3c', '1a:2b:3c'],
    ['upper case is lowered', '1A2B3C', '1a:2b:3c'],
    ['colons are accepted and kept one per byte', '1A:2B:3C', '1a:2b:3c'],
    ['an odd digit count is padded to whole bytes', 'abc', '0a:bc'],
    ["DER's leading zero byte is dropped", '00ff01', 'ff:01'],
    ['several leading zero bytes are dropped', '0000007f', '7f'],
    ['a zero serial keeps one byte', '0000', '00'],
    [
      'a 20-byte serial as Vault issues them',
      '5f' + '3a'.repeat(19),
      ['5f', ...Array<string>(19).fill('3a')].join(':'),
    ],
  ])('%s', (_name, input, expected) => {
    expect(vaultSerial(input)).toBe(expected);
  });

  it('is idempotent on its own output', () => {
    const once = vaultSerial('00DEADBEEF');
    expect(vaultSerial(once)).toBe(once);
  });
});
