import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Something at the path that is not a regular file (a FIFO, a device, a directory), or one over the limit. */
export class NotARegularFileError extends Error {
  readonly code = 'NOT_A_REGULAR_FILE';
  constructor(
    path: string,
    readonly reason: string,
  ) {
    super(`${path} is ${reason}`);
  }
}

/**
 * The text of a regular file, read through one handle opened non-blocking and checked on that handle (no race
 * with a rename): a FIFO would otherwise block its reader until some writer came (`check`, start-up, reload, a
 * render pass), and a device or a huge file would be read whole. Throws NotARegularFileError for anything else,
 * and the OS's error when it cannot be opened.
 */
export async function readRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotARegularFileError(path, 'not a regular file');
    if (stats.size > maxBytes) throw new NotARegularFileError(path, `larger than ${maxBytes} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
