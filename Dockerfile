# Multi-stage build: compile with dev dependencies, run with production dependencies only, as non-root,
# in production mode. No engine on the project's CI machines: test/slow/image-recipe.test.ts lints this file
# and reproduces its stages in a clean directory instead (docs/production.md, "The Docker recipe check").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# postinstall (scripts/postinstall.js) applies patches/ to dev mode's cognito-local.
COPY scripts ./scripts
COPY patches ./patches
# npm workspaces (packages/*): npm ci links them; the playground bundles packages/client.
COPY packages ./packages
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY playground ./playground
# The audit spool's directory (records that never wait on the sink: logout, disable, lock), handed to the
# final stage owned by the runtime user: the root file system may be read-only, so mount a volume there.
RUN npm run build && mkdir -p spool

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY packages ./packages
# Production dependencies only: no cognito-local, no patch-package (postinstall skips the dev patches).
RUN npm ci --omit=dev && npm cache clean --force

FROM node:24-bookworm-slim
# Production mode: refuses to start until every required setting is given (docs/production.md), never
# spawns an emulator, keeps state in Redis and the audit trail and lasting records in PostgreSQL.
ENV NODE_ENV=production GATEWAY_MODE=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/dist-playground ./dist-playground
# The gateway imports @hipaa-auth-gateway/subgraph-auth (node_modules links to packages/subgraph-auth).
COPY --from=build --chown=node:node /app/packages/subgraph-auth/package.json ./packages/subgraph-auth/
COPY --from=build --chown=node:node /app/packages/subgraph-auth/dist ./packages/subgraph-auth/dist
COPY --chown=node:node package.json ./
COPY --from=build --chown=node:node /app/spool ./spool
# PostgreSQL on RDS presents a certificate from the RDS CA, which Node does not trust by default; the AWS
# deployment (deploy/aws) points NODE_EXTRA_CA_CERTS here so DATABASE_URL can use sslmode=verify-full.
ADD --chown=node:node https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /app/certs/
USER node
ENV PORT=4000 AUDIT_SPOOL_FILE=/app/spool/audit-spool.jsonl
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
