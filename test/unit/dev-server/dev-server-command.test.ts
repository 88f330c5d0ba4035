// The `certagent dev-server` flags (src/cli/dev-server-command.ts), in process; the running command is covered by
// test/integration/dev-server/core-cli-process.test.ts.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  devServerCommand,
  parseDevServerArgs,
  parseListenAddress,
} from '../../../src/cli/dev-server-command.js';
import { UsageError } from '../../../src/lib/errors.js';
import { isLoopbackHost } from '../../../src/config/security-warnings.js';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, env: {} }, stderr: () => err };
}

describe('dev-server flags', () => {
  it('defaults to 127.0.0.1:8200, plain HTTP, loopback only', () => {
    expect(parseDevServerArgs([])).toEqual({
      host: '127.0.0.1',
      port: 8200,
      rootToken: undefined,
      tls: false,
      allowNonLoopback: false,
    });
    expect(parseDevServerArgs(['--listen', '[::1]:0', '--root-token', 'root', '--tls'])).toMatchObject({
      host: '::1',
      port: 0,
      rootToken: 'root',
      tls: true,
    });
  });

  it('refuses malformed listen addresses, unknown flags and an empty root token', () => {
    for (const bad of ['8200', '127.0.0.1', '127.0.0.1:99999', ':8200', '[nothex]:1', 'a:b:1']) {
      expect(() => parseListenAddress(bad), bad).toThrow(UsageError);
    }
    expect(() => parseDevServerArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseDevServerArgs(['extra'])).toThrow(UsageError);
    expect(() => parseDevServerArgs(['--root-token', ' '])).toThrow('--root-token must not be empty');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'vault.example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
  });

  it('exits 2 with a message for bad flags and for a non-loopback address without the opt-in', async () => {
    const flags = io();
    expect(await devServerCommand(['--listen', 'nope'], flags.io)).toBe(2);
    expect(flags.stderr()).toMatch(/--listen must be HOST:PORT/);
    const exposed = io();
    expect(await devServerCommand(['--listen', '0.0.0.0:8200'], exposed.io)).toBe(2);
    expect(exposed.stderr()).toMatch(
      /refusing to listen on non-loopback address 0\.0\.0\.0.*--allow-non-loopback/,
    );
  });
});
