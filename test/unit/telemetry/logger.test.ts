import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/telemetry/logger.js';

function capture(format: 'json' | 'pretty') {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const made = createLogger({ level: 'debug', format }, stream);
  return { ...made, text: () => text };
}

const SECRET = 'hvs.CAESIJ-very-secret-token-value';

describe('createLogger', () => {
  it.each(['json', 'pretty'] as const)('%s: redacts secret keys at any depth we use', (format) => {
    const { logger, text } = capture(format);
    logger.info(
      { token: SECRET, auth: { client_token: SECRET }, request: { headers: { 'x-vault-token': SECRET } } },
      'a',
    );
    logger.info(
      { secret_id: SECRET, jwt: SECRET, private_key: SECRET, nested: { deeper: { password: SECRET } } },
      'b',
    );
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('[REDACTED]');
  });

  it.each(['json', 'pretty'] as const)(
    '%s: scrubs a registered secret from messages and errors',
    (format) => {
      const { logger, secrets, text } = capture(format);
      secrets.register(SECRET);
      logger.error(
        { error: new Error(`request with ${SECRET} failed`), note: `x${SECRET}y` },
        `saw ${SECRET}`,
      );
      expect(text()).not.toContain(SECRET);
      expect(text()).toMatch(/saw \[REDACTED\]/);
    },
  );

  it.each(['json', 'pretty'] as const)(
    '%s: redacts every spelling of a secret key deeper than any listed path, and in arrays',
    (format) => {
      const { logger, text } = capture(format);
      logger.info(
        {
          a: { b: { c: { d: { clientToken: SECRET, 'X-Vault-Token': SECRET, privateKey: SECRET } } } },
          list: [{ secretId: SECRET }, [{ Authorization: `Bearer ${SECRET}` }]],
          token_ttl: 3600,
        },
        'deep',
      );
      expect(text()).not.toContain(SECRET);
      expect(text()).toContain('3600');
    },
  );

  it('keeps code, status and the cause chain of an error, but none of its other fields (nor a stack: it has a code)', () => {
    const { logger, text } = capture('json');
    const root = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    const vault = Object.assign(new AgentError('VAULT_HTTP', 'permission denied', { cause: root }), {
      status: 403,
      token: SECRET,
      request: { headers: { 'x-vault-token': SECRET } },
    });
    logger.error({ error: new AgentError('ISSUE_FAILED', 'cannot issue web', { cause: vault }) }, 'failed');
    expect(text()).not.toContain(SECRET);
    const line = JSON.parse(text()) as { error: Record<string, unknown> };
    expect(line.error).toMatchObject({
      type: 'AgentError',
      code: 'ISSUE_FAILED',
      message: 'cannot issue web',
      cause: {
        code: 'VAULT_HTTP',
        status: 403,
        message: 'permission denied',
        cause: { type: 'Error', code: 'ECONNRESET', message: 'connection reset' },
      },
    });
    expect(Object.keys(line.error.cause as object).sort()).toEqual([
      'cause',
      'code',
      'message',
      'status',
      'type',
    ]);
  });

  it("redacts a secret in a child's bindings", () => {
    const { logger, text } = capture('json');
    logger.child({ component: 'auth', token: SECRET }).info('bound');
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('"component":"auth"');
  });

  it('writes JSON lines with level names and ISO times by default', () => {
    const { logger, text } = capture('json');
    logger.child({ component: 'auth' }).info({ ttl_s: 5 }, 'token renewed');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', component: 'auth', ttl_s: 5, msg: 'token renewed' });
    expect(typeof line.time).toBe('string');
  });
});

describe('log format auto (the default)', () => {
  it('writes JSON when the destination is not a terminal (a pipe, journald)', async () => {
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const { createLogger } = await import('../../../src/telemetry/logger.js');
    createLogger({ format: 'auto' }, stream).logger.info('hello');
    expect(JSON.parse(text.trim())).toMatchObject({ level: 'info', msg: 'hello' });
  });
});
