// The wall clock jumps forward (a VM resumed after a suspend, an NTP step) while the agent waits for a 1-hour
// certificate's renewal: timers measure monotonic time, so only a re-reading of the clock notices that the
// renewal time (or expiry) has passed. Time-compressed (TIME_FACTOR); the jump moves now() without touching running timers.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { readPair, scratchDir, startAgent, startVault, stopAll, webConfig } from './support/agent-harness.js';
import { refreshReportAfterAll, round, scenario } from './support/reliability-report.js';
import { ScaledClock, TIME_FACTOR, pollUntil } from './support/scaled-clock.js';

afterEach(stopAll);
refreshReportAfterAll();

describe('clock jump', () => {
  scenario(
    'clock-jump',
    async (obs) => {
      const clock = new ScaledClock(TIME_FACTOR);
      const dir = await scratchDir('clock-jump');
      await mkdir(join(dir, 'out'));
      const cert = join(dir, 'out/cert.pem');
      const key = join(dir, 'out/key.pem');
      const vault = await startVault({ clock });
      startAgent({ yaml: webConfig(vault.address, dir, { ttl: '1h' }), clock });
      const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
      // 50 minutes: past the renewal time (about 40 minutes in), 10 minutes before notAfter.
      clock.jump(50 * 60_000);
      const jumpedAt = clock.now();
      const renewed = await pollUntil(
        clock,
        async () => ((p) => p?.match && p.serial !== first.serial)(await readPair(cert, key)),
        60_000,
        'a renewal after the jump',
      ).catch(() => undefined);
      obs.note(
        `virtual time: 1 h certificate, wall clock jumped 50 min forward (${round((first.notAfter - jumpedAt) / 60_000)} min ` +
          `before notAfter): ${renewed ? `renewed ${round((renewed.at - jumpedAt) / 1000)} s after the jump` : 'not renewed within 60 s of the jump (the old timer still runs)'}`,
      );
      expect(renewed).toBeDefined();
    },
    { timeoutMs: 60_000 },
  );
});
