// ACL policies as a third-party Vault client (node-vault) sees them: write a policy, create a token with it, and
// get 403 outside the policy and 200 inside; token create warns about a missing policy; an AppRole role's
// token_policies are honoured; a rewritten policy applies at once.

import vault from 'node-vault';
import { describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';

const server = useDevServer({}, 'each');

function client(token: string = server().rootToken) {
  return vault({ apiVersion: 'v1', endpoint: server().address, token });
}

const ISSUE_ONLY = `# issue from the dev role, nothing else
path "pki/issue/dev" {
  capabilities = ["update"]
}
`;

/** The status of a rejected node-vault call. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { response?: { statusCode?: number }; message?: string } | undefined;
  if (error === undefined) return 200;
  return error.response?.statusCode ?? -1;
}

describe('ACL policies through node-vault', () => {
  it('a token gets 200 inside its policy and 403 (permission denied) outside it', async () => {
    const root = client();
    await root.addPolicy({ name: 'issue-only', rules: ISSUE_ONLY });
    expect((await root.getPolicy({ name: 'issue-only' })).rules).toBe(ISSUE_ONLY);
    expect((await root.policies()).policies).toEqual(['default', 'issue-only', 'root']);

    const created = await root.tokenCreate({ policies: ['issue-only'] });
    expect(created.auth.policies).toEqual(['default', 'issue-only']);
    expect(created.warnings).toBeNull();
    const agent = client(created.auth.client_token as string);

    const issued = await agent.write('pki/issue/dev', { common_name: 'web.example.test', ttl: '1h' });
    expect(issued.data.certificate).toContain('BEGIN CERTIFICATE');
    // The default policy still lets the token look itself up and renew itself.
    expect((await agent.tokenLookupSelf()).data.policies).toEqual(['default', 'issue-only']);
    expect((await agent.tokenRenewSelf()).auth.client_token).toBe(created.auth.client_token);

    await expect(agent.write('pki/sign/dev', { csr: 'x' })).rejects.toThrow('permission denied');
    expect(await statusOf(agent.write('pki/sign/dev', { csr: 'x' }))).toBe(403);
    expect(await statusOf(agent.read('secret/data/app'))).toBe(403);
    expect(await statusOf(agent.write('pki/roles/dev', { allow_any_name: true }))).toBe(403);
    expect(await statusOf(agent.policies())).toBe(403);
    expect(await statusOf(agent.tokenCreate({}))).toBe(403);
  });

  it('warns on token create about a policy that does not exist, and the token can do nothing it names', async () => {
    const created = await client().tokenCreate({ policies: ['web', 'db'] });
    expect(created.warnings).toEqual(['Policy "db" does not exist', 'Policy "web" does not exist']);
    expect(created.auth.policies).toEqual(['db', 'default', 'web']);
    expect(await statusOf(client(created.auth.client_token as string).write('pki/issue/dev', {}))).toBe(403);
  });

  it("honours an AppRole role's token_policies", async () => {
    const root = client();
    await root.addPolicy({ name: 'issue-only', rules: ISSUE_ONLY });
    await root.enableAuth({ mount_point: 'approle', type: 'approle' });
    await root.write('auth/approle/role/agent', { token_policies: ['issue-only'] });
    const roleId = (await root.read('auth/approle/role/agent/role-id')).data.role_id as string;
    const secretId = (await root.write('auth/approle/role/agent/secret-id', {})).data.secret_id as string;
    const login = await client('').approleLogin({ role_id: roleId, secret_id: secretId });
    const agent = client(login.auth.client_token as string);
    expect(await statusOf(agent.write('pki/issue/dev', { common_name: 'a.example.test' }))).toBe(200);
    expect(await statusOf(agent.read('auth/approle/role/agent/role-id'))).toBe(403);
  });

  it('applies a rewritten or deleted policy to live tokens at once', async () => {
    const root = client();
    await root.addPolicy({ name: 'issue-only', rules: ISSUE_ONLY });
    // tokenCreate switches its client to the new token, so a client of its own makes it.
    const token = (await client().tokenCreate({ policies: ['issue-only'] })).auth.client_token as string;
    const agent = client(token);
    expect(await statusOf(agent.write('pki/issue/dev', { common_name: 'a.example.test' }))).toBe(200);
    await root.addPolicy({ name: 'issue-only', rules: 'path "pki/issue/dev" { capabilities = ["deny"] }' });
    expect(await statusOf(agent.write('pki/issue/dev', { common_name: 'a.example.test' }))).toBe(403);
    await root.addPolicy({ name: 'issue-only', rules: ISSUE_ONLY });
    expect(await statusOf(agent.write('pki/issue/dev', { common_name: 'a.example.test' }))).toBe(200);
    await root.removePolicy({ name: 'issue-only' });
    expect(await statusOf(agent.write('pki/issue/dev', { common_name: 'a.example.test' }))).toBe(403);
    expect(await statusOf(root.getPolicy({ name: 'issue-only' }))).toBe(404);
  });
});
