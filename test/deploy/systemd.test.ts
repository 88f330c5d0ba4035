// The systemd home (examples/systemd/): `systemd-analyze verify` accepts the units (every key known, every
// dependency resolvable, with nginx.service's drop-in applied), and the units hold what the recipe needs: the
// hardening, write access to exactly where the agent writes, the once unit ordered before nginx, SIGHUP on reload.
// verify needs ExecStart binaries to exist, so it runs on copies with /usr/bin/certagent pointed at a program that
// exists here. Skipped only without systemd-analyze (CI installs the systemd package).

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli-process.js';
import { findProgram } from './rotation-harness.js';

const ANALYZE = findProgram('systemd-analyze');
if (!ANALYZE)
  console.warn('systemd: verify SKIPPED, no systemd-analyze on this machine (apt-get install systemd)');

const EXAMPLES = join(ROOT, 'examples/systemd');
const UNITS = ['certagent.service', 'certagent-once.service'];
const read = (name: string) => readFile(join(EXAMPLES, name), 'utf8');

/** `Key=value` lines of a unit (the last one wins, as in systemd, except for lists we join). */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) map.set(match[1]!, [...(map.get(match[1]!) ?? []), match[2]!]);
  }
  return map;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-systemd-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!ANALYZE)('systemd-analyze verify', () => {
  it('accepts both units and nginx.service with the certagent drop-in, without a warning', async () => {
    for (const unit of UNITS) {
      await writeFile(join(dir, unit), (await read(unit)).split('/usr/bin/certagent').join(process.execPath));
    }
    // A stand-in nginx.service (the drop-in needs the unit it extends), found through SYSTEMD_UNIT_PATH.
    await writeFile(
      join(dir, 'nginx.service'),
      '[Unit]\nDescription=nginx\n[Service]\nExecStart=/bin/true\n',
    );
    const dropIn = join(dir, 'nginx.service.d', 'certagent.conf');
    await mkdir(dirname(dropIn));
    await writeFile(dropIn, await read('nginx.service.d/certagent.conf'));
    const result = spawnSync(
      ANALYZE!,
      ['verify', ...UNITS.map((unit) => join(dir, unit)), join(dir, 'nginx.service')],
      { encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` }, timeout: 60_000 },
    );
    console.log(`systemd-analyze verify: exit ${result.status}${result.stderr ? `\n${result.stderr}` : ''}`);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/ignoring|unknown|not executable|failed|invalid/i);
  });
});

describe('the units', () => {
  it('are hardened, and may write only state_dir, /run/certagent and the nginx TLS directory', async () => {
    const agent = parse(await readFile(join(ROOT, 'examples/nginx/agent.yaml'), 'utf8')) as {
      state_dir: string;
      templates: { destination: string }[];
    };
    const check = (await readFile(join(ROOT, 'examples/nginx/nginx-check.conf'), 'utf8')).replace(
      /#.*$/gm,
      '',
    );
    for (const unit of UNITS) {
      const d = directives(await read(unit));
      const one = (key: string) => d.get(key)?.at(-1);
      expect(one('ProtectSystem'), unit).toBe('strict');
      expect(one('NoNewPrivileges'), unit).toBe('yes');
      expect(one('PrivateTmp'), unit).toBe('yes');
      expect(one('ProtectHome'), unit).toBe('yes');
      expect(one('User'), unit).toBe('certagent');
      // The only capability: signalling nginx's root master (`nginx -s reload`).
      expect(one('CapabilityBoundingSet'), unit).toBe('CAP_KILL');
      expect(one('AmbientCapabilities'), unit).toBe('CAP_KILL');
      // state_dir is the unit's StateDirectory; every destination is under a ReadWritePaths entry.
      expect(`/var/lib/${one('StateDirectory')}`).toBe(agent.state_dir);
      const writable = (d.get('ReadWritePaths') ?? []).flatMap((v) => v.split(/\s+/));
      for (const template of agent.templates) {
        expect(
          writable.some((path) => template.destination.startsWith(`${path}/`)),
          template.destination,
        ).toBe(true);
      }
      // nginx-check.conf writes only under RuntimeDirectory=.
      const runtime = `/run/${one('RuntimeDirectory')}`;
      for (const path of check.match(/\/run\/\S+?(?=[;\s])/g) ?? [])
        expect(path.startsWith(`${runtime}/`), path).toBe(true);
    }
  });

  it('run the agent as a daemon with SIGHUP on reload, and once before nginx', async () => {
    const daemon = directives(await read('certagent.service'));
    expect(daemon.get('ExecStart')).toEqual(['/usr/bin/certagent run -c /etc/certagent/agent.yaml']);
    expect(daemon.get('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(daemon.get('RestartPreventExitStatus')).toEqual(['2']);
    const once = directives(await read('certagent-once.service'));
    expect(once.get('ExecStart')).toEqual(['/usr/bin/certagent run --once -c /etc/certagent/agent.yaml']);
    expect(once.get('Type')).toEqual(['oneshot']);
    expect(once.get('Before')).toEqual(['nginx.service']);
    expect(once.get('RequiredBy')).toEqual(['nginx.service']);
    const dropIn = directives(await read('nginx.service.d/certagent.conf'));
    expect(dropIn.get('Requires')).toEqual(['certagent-once.service']);
    expect(dropIn.get('After')).toEqual(['certagent-once.service']);
  });
});
