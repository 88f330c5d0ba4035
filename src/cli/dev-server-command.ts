import type { Command } from './cli-io.js';
import { EXIT } from './cli-io.js';

// Replaced by the dev server work (issue 2).
export const devServerCommand: Command = async (_args, io) => {
  io.stderr.write('certagent dev-server: not built yet\n');
  return EXIT.failure;
};
