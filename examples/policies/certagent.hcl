# The Vault (or OpenBao) policy certagent needs, and nothing more.
#
# Written for the dev server's PKI (mount `pki`, role `dev`); for your Vault, replace `pki` with your mount and
# `dev` with the role of each certificate in your config (one pair of blocks per mount/role).
#
#   vault policy write certagent examples/policies/certagent.hcl
#   vault write auth/approle/role/certagent token_policies=certagent   # or any auth method's role

# mode: sign (the default): the key is made on the host, a CSR is sent here.
path "pki/sign/dev" {
  capabilities = ["update"]
}

# mode: issue: Vault makes the key. Drop this block if every certificate uses sign mode.
path "pki/issue/dev" {
  capabilities = ["update"]
}

# The token's own lifecycle. Vault's `default` policy grants these too; they are listed so the policy still works
# for a token or role created with no_default_policy.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
