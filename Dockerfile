# certagent container image.
#
#   docker build -t certagent .
#   docker run --read-only --user 10001:10001 \
#     -v certagent-state:/var/lib/certagent -v "$PWD/tls:/run/certagent" -v /etc/certagent:/etc/certagent:ro \
#     --tmpfs /tmp certagent run -c /etc/certagent/agent.yaml
#
# Two stages: the build stage compiles with the dev dependencies and packs the same tarball `npm pack` gives
# users, then installs it with production dependencies only; the runtime stage copies that install and nothing
# else. test/deploy/pack-install.test.ts runs this file's install command on a real tarball and test/deploy/
# dockerfile.test.ts lints the file (pinned bases, numeric non-root USER, no dev dependencies at run time).
#
# The container writes only to mounted volumes: state_dir (/var/lib/certagent), the directory the templates write
# to (/run/certagent here, an emptyDir shared with the app in Kubernetes) and /tmp (used by `dev-server` only).
# It runs with a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md LICENSE ./
COPY src ./src
COPY templates ./templates
RUN npm run build \
 && mv "$(npm pack --ignore-scripts --silent)" /tmp/certagent.tgz
RUN npm install --prefix /opt/certagent --omit=dev --no-audit --no-fund /tmp/certagent.tgz

FROM node:24-bookworm-slim AS runtime
# --disable-sigusr1 (Node >= 22.14): SIGUSR1 can never open Node's inspector, not even in the instant before the agent
# installs its own SIGUSR1 handler (forced rotation); see docs/operations.md.
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-sigusr1 \
    PATH=/opt/certagent/node_modules/.bin:$PATH
COPY --from=build /opt/certagent /opt/certagent
# Owned by root, written by nobody but the mounted volumes; the agent's user only needs to read them.
RUN mkdir -p /var/lib/certagent /run/certagent \
 && chown 10001:10001 /var/lib/certagent /run/certagent \
 && chmod 0700 /var/lib/certagent
VOLUME ["/var/lib/certagent"]
# A numeric user: Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 10001:10001
# /livez /readyz /metrics /status when the config sets listener.address (bind 0.0.0.0:8210 in a container).
EXPOSE 8210
ENTRYPOINT ["certagent"]
CMD ["run", "-c", "/etc/certagent/agent.yaml"]
