/** What a check or command is told about the pass that runs it, as `CERTAGENT_*` variables. */
export interface CommandContext {
  readonly kind: 'check' | 'command';
  /** The certificates whose files changed (config order), each with the serial its files now hold. */
  readonly certificates: readonly { readonly name: string; readonly serial: string }[];
  /** The files that changed, as written (a followed symlink's target). */
  readonly files: readonly string[];
}

/**
 * The environment of a check or command: the agent's own without any `VAULT_*` variable (a reload command has no
 * business holding VAULT_TOKEN, and a check's output may end up in a log), plus the documented `CERTAGENT_*`:
 *
 * - `CERTAGENT_KIND`: `check` or `command`
 * - `CERTAGENT_CERTIFICATE`: the changed certificates' names, space-separated (names never hold spaces)
 * - `CERTAGENT_SERIAL`: their serials, space-separated, in the same order
 * - `CERTAGENT_CHANGED_FILES`: the changed files, one per line
 *
 * Variables the agent itself inherited under a `CERTAGENT_` name are dropped too, so a child never mistakes a
 * stale value for the pass's.
 */
export function childEnvironment(base: NodeJS.ProcessEnv, context: CommandContext): Record<string, string> {
  const env = scrubbedEnvironment(base);
  env.CERTAGENT_KIND = context.kind;
  env.CERTAGENT_CERTIFICATE = context.certificates.map((entry) => entry.name).join(' ');
  env.CERTAGENT_SERIAL = context.certificates.map((entry) => entry.serial).join(' ');
  env.CERTAGENT_CHANGED_FILES = context.files.join('\n');
  return env;
}

/** The agent's environment without `VAULT_*` (and `CERTAGENT_*`), for a child started outside a pass. */
export function scrubbedEnvironment(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || /^VAULT_/i.test(name) || /^CERTAGENT_/i.test(name)) continue;
    env[name] = value;
  }
  return env;
}
