// A stand-in backend for the dev server core's tests: it records what the core handed it and answers with each
// kind of DevResponse depending on the path, so the core can be checked without the real engines. Its `sudo/…`
// and `sudo-exact` paths are root-protected (echoing like `public/…`), for the core's sudo check.

import type { RegisteredBackend } from '../../../../src/dev-server/core/mount-table.js';
import type { DevRequest, DevResponse } from '../../../../src/dev-server/types.js';
import { badRequest, notFound, unsupportedPath } from '../../../../src/dev-server/types.js';

/** A fake backend type and the requests it received. */
export interface FakeBackend {
  readonly registered: RegisteredBackend;
  readonly calls: DevRequest[];
}

const ANSWERS: Record<string, (request: DevRequest) => DevResponse> = {
  echo: (r) => ({
    kind: 'logical',
    data: { operation: r.operation, path: r.path, data: r.data, token: r.token?.id ?? null },
  }),
  empty: () => ({ kind: 'empty' }),
  nodata: () => ({ kind: 'logical' }),
  raw: () => ({ kind: 'raw', contentType: 'application/pem-certificate-chain', body: '-----BEGIN X-----' }),
  bad: () => {
    throw badRequest('role rule violated');
  },
  missing: () => {
    throw notFound();
  },
  crash: () => {
    throw new Error('kaput');
  },
  warn: () => ({ kind: 'logical', data: { ok: true }, warnings: ['careful'] }),
  lease: () => ({
    kind: 'logical',
    data: { v: 1 },
    secret: { leaseId: 'fake/lease/1', leaseDuration: 60, renewable: true },
  }),
  'keys/': () => ({ kind: 'logical', data: { keys: ['a', 'b/'] } }),
  'nokeys/': () => ({ kind: 'logical', data: { keys: [] } }),
  gone: () => ({ kind: 'logical', status: 404, data: { data: null } }),
  login: () => ({
    kind: 'logical',
    data: null,
    auth: {
      client_token: 'hvs.fake',
      accessor: 'acc',
      policies: ['default'],
      token_policies: ['default'],
      metadata: null,
      lease_duration: 60,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    },
  }),
};

/** A backend of type `fake` (a secrets engine) whose answers are chosen by path; see ANSWERS. */
export function fakeBackend(type = 'fake'): FakeBackend {
  const calls: DevRequest[] = [];
  return {
    calls,
    registered: {
      class: 'secret',
      factory: () => ({
        type,
        isUnauthenticated: (path) => path === 'login' || path.startsWith('public/'),
        rootPaths: ['sudo/*', 'sudo-exact'],
        handle: (request) => {
          calls.push(request);
          const answer =
            ANSWERS[request.path] ?? (/^(public|sudo)[/-]/.test(request.path) ? ANSWERS.echo : undefined);
          if (answer === undefined) throw unsupportedPath();
          return answer(request);
        },
      }),
    },
  };
}
