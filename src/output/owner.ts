import { readFile } from 'node:fs/promises';
import { AgentError } from '../lib/errors.js';

/** A `user` or `group` named in the config does not exist on this machine. */
export class OwnerError extends AgentError {
  constructor(message: string) {
    super('OWNER_UNKNOWN', message);
  }
}

/** Numeric ids for a template's `user` and `group` (names or numbers); undefined keeps the process's own. */
export async function resolveOwner(
  user: string | undefined,
  group: string | undefined,
  files: { passwd: string; group: string } = { passwd: '/etc/passwd', group: '/etc/group' },
): Promise<{ uid: number | undefined; gid: number | undefined }> {
  return {
    uid: user === undefined ? undefined : await idOf(user, files.passwd, 'user'),
    gid: group === undefined ? undefined : await idOf(group, files.group, 'group'),
  };
}

async function idOf(name: string, file: string, kind: 'user' | 'group'): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    // No such database (a scratch container): only numeric ids can work there.
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  throw new OwnerError(`${kind} ${JSON.stringify(name)} does not exist (looked in ${file})`);
}
