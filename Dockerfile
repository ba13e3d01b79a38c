# Multi-stage build: compile with dev dependencies, run with production dependencies only, as non-root.
# (Not buildable on the project's CI machines, which have no Docker engine; kept deliberately simple.)
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm workspaces: each package's manifest before `npm ci`, its sources before the build.
COPY packages/subgraph-auth/package.json ./packages/subgraph-auth/
COPY patches ./patches
# npm workspaces (packages/*): npm ci links them; the playground bundles packages/client.
COPY packages ./packages
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY packages ./packages
COPY src ./src
COPY playground ./playground
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/subgraph-auth/package.json ./packages/subgraph-auth/
COPY patches ./patches
COPY packages ./packages
RUN npm ci --omit=dev && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/dist-playground ./dist-playground
# The gateway imports @hipaa-auth-gateway/subgraph-auth (node_modules links to packages/subgraph-auth).
COPY --from=build --chown=node:node /app/packages/subgraph-auth/package.json ./packages/subgraph-auth/
COPY --from=build --chown=node:node /app/packages/subgraph-auth/dist ./packages/subgraph-auth/dist
COPY --chown=node:node package.json ./
# PostgreSQL on RDS presents a certificate from the RDS CA, which Node does not trust by default; the AWS
# deployment (deploy/aws) points NODE_EXTRA_CA_CERTS here so DATABASE_URL can use sslmode=verify-full.
ADD --chown=node:node --chmod=444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /app/certs/rds-global-bundle.pem
# The audit log needs a writable place of its own (mount a volume here).
RUN mkdir -p /var/log/auth-gateway && chown node:node /var/log/auth-gateway
USER node
ENV PORT=4000 AUDIT_LOG_FILE=/var/log/auth-gateway/audit.jsonl
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
