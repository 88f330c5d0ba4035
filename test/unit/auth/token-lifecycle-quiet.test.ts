// Issue 7 point 5, at the lifecycle: writes beside the token file re-read nothing and log nothing at info; a token
// file rewritten with the same token (other whitespace) re-reads it but repeats `next token renewal scheduled`
// at debug only.

import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LogLines } from '../../helpers/log-lines.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-quiet-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it('a busy directory and a same-token rewrite log the schedule at info once', async () => {
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'hvs.quietToken01');
  const clock = new FakeClock();
  let lookups = 0;
  const vault = stubVault(() => {
    lookups++;
    return { data: { ttl: 3600, creation_ttl: 3600, renewable: true } };
  });
  const log = new LogLines();
  const logger = pino({ level: 'debug' }, log.stream);
  const lifecycle = unitLifecycle({
    settings: { type: 'token_file', tokenFilePath: tokenFile },
    vault,
    clock,
    logger,
  });
  const controller = new AbortController();
  const running = lifecycle.run(controller.signal);
  const scheduled = (level: number) =>
    log.lines.filter((line) => line.msg === 'next token renewal scheduled' && line.level === level).length;
  try {
    await log.until(() => scheduled(30) === 1, 'the renewal scheduled at info', 3000);
    await mkdir(join(dir, 'state'));
    for (let i = 0; i < 20; i++) {
      await appendFile(join(dir, 'agent.log'), `line ${i}\n`);
      await writeFile(join(dir, 'state', `web-${i}.json`), '{}');
    }
    // Same token, other whitespace: a real content change, so the barrier for the sibling writes above.
    await writeFile(tokenFile, 'hvs.quietToken01\n');
    await log.until(() => scheduled(20) === 1, 'the renewal scheduled again at debug', 3000);
    expect(scheduled(30)).toBe(1);
    expect(lookups).toBe(1);
  } finally {
    controller.abort();
    await running;
  }
});
