// Waiting for a file that another process writes (a consumer's pid file, the log of the signals it received):
// nothing in this process calls back when it appears, but the file system does. Watching the directory turns the
// write into an event; the file is read once up front and again after every event in that directory.

import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { withDeadline } from './deadline.js';

/**
 * Resolves with the contents of `path` once `accept` takes them (by default: once it is not empty); fails after
 * `timeoutMs` naming `what`. The directory must exist.
 */
export async function waitForFile(
  path: string,
  what: string,
  accept: (text: string) => boolean = (text) => text !== '',
  timeoutMs = 10_000,
): Promise<string> {
  const name = basename(path);
  const watcher = watch(dirname(path));
  try {
    const found = new Promise<string>((resolve, reject) => {
      let running = false;
      let again = false;
      // One read at a time; an event during a read asks for one more, so a write between two reads is not missed.
      const check = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        do {
          again = false;
          const text = await readFile(path, 'utf8').catch(() => undefined);
          if (text !== undefined && accept(text)) return resolve(text);
        } while (again);
        running = false;
      };
      watcher.on('change', (_event, file) => {
        if (file === null || String(file) === name) void check();
      });
      watcher.on('error', reject);
      void check();
    });
    return await withDeadline(found, timeoutMs, what);
  } finally {
    watcher.close();
  }
}
