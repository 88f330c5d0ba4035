import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
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

  it('writes JSON lines with level names and ISO times by default', () => {
    const { logger, text } = capture('json');
    logger.child({ component: 'auth' }).info({ ttl_s: 5 }, 'token renewed');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', component: 'auth', ttl_s: 5, msg: 'token renewed' });
    expect(typeof line.time).toBe('string');
  });
});
