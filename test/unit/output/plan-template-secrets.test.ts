// planTemplate and the secrets a template reads: one declared but not read yet is `pending` (it will come), one the
// agent does not read at all is a TemplateError (it never will). No file is written: the template reads secrets only.

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { planTemplate } from '../../../src/output/plan-template.js';
import { TemplateEngine, TemplateError } from '../../../src/templates/template-engine.js';
import { templateConfig } from '../../helpers/template-config.js';

const template = templateConfig({
  certificate: undefined,
  source: { kind: 'inline', contents: '{{secret.db.data.user}} {{secret.nope.data.x}}' },
  destination: '/never/written.txt',
});

function plan(declaredSecrets?: ReadonlySet<string>, secretsAwaitingRestart?: ReadonlySet<string>) {
  const inputs = { bundles: new Map(), secrets: new Map(), engine: new TemplateEngine() };
  return planTemplate(
    { ...inputs, declaredSecrets, secretsAwaitingRestart, logger: pino({ level: 'silent' }) },
    template,
  );
}

describe('planTemplate and undeclared secrets', () => {
  it('fails with TEMPLATE naming the secret the agent does not read', async () => {
    const planned = await plan(new Set(['db', 'zz']));
    expect(planned.kind).toBe('error');
    const error = planned.kind === 'error' ? planned.error : undefined;
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({
      code: 'TEMPLATE',
      message:
        'template for /never/written.txt: reads secret "nope", but no secret named "nope" is declared under secrets: (declared: db, zz)',
    });
  });

  it('a secret a reload declared is not read until a restart, and the error says so', async () => {
    const planned = await plan(new Set(['db']), new Set(['nope']));
    expect(planned).toMatchObject({
      kind: 'error',
      error: {
        code: 'TEMPLATE',
        message:
          'template for /never/written.txt: reads secret "nope", but it was declared by a configuration reload, and secrets are read from start-up only: restart certagent to read it',
      },
    });
  });

  it('waits for declared secrets, and for every secret when the declared ones are not given', async () => {
    expect(await plan(new Set(['db', 'nope']))).toEqual({
      kind: 'pending',
      reason: 'secret db, nope not read yet',
    });
    expect(await plan()).toEqual({ kind: 'pending', reason: 'secret db, nope not read yet' });
  });
});
